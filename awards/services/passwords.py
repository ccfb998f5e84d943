"""Password hashing with argon2id (argon2-cffi), rehashed on login when parameters change."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from workflows.messages import Msg

# OWASP minimum for argon2id is m=19 MiB, t=2, p=1; argon2-cffi's defaults (64 MiB, t=3, p=4) exceed it.
_hasher = PasswordHasher()


def configure_hasher(*, memory_kib: int, time_cost: int, parallelism: int) -> None:
    """Set the cost parameters (from configuration); older hashes are upgraded at their next login."""
    global _hasher
    _hasher = PasswordHasher(memory_cost=memory_kib, time_cost=time_cost, parallelism=parallelism)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def password_problems(password: str, *, min_length: int, username: str = "") -> list[str]:
    """Vietnamese messages (Msg) for a password that is too weak (ASVS V2.1)."""
    problems = []
    if len(password) < min_length:
        problems.append(Msg("Mật khẩu phải có ít nhất %(n)s ký tự.", n=min_length))
    if len(password) > 128:
        problems.append(Msg("Mật khẩu không được dài quá 128 ký tự."))
    if username and username.lower() in password.lower():
        problems.append(Msg("Mật khẩu không được chứa tên đăng nhập."))
    if password and len(set(password)) < 4:
        problems.append(Msg("Mật khẩu quá đơn giản: hãy dùng nhiều ký tự khác nhau."))
    return problems
