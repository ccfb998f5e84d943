"""Every definition problem is refused at load, with a message naming the file, the item and the problem."""

from __future__ import annotations

from fractions import Fraction

import pytest

from workflows.engine import DefinitionError, load_definition, load_definitions

HEADER = '''
name = "mini"
label = "Quy trình thử nghiệm"
'''
DRAFT = '''
[[states]]
name = "draft"
label = "Nháp"
initial = true
'''
DONE = '''
[[states]]
name = "done"
label = "Xong"
final = true
'''
FINISH = '''
[[transitions]]
name = "finish"
label = "Hoàn tất"
from = ["draft"]
to = "done"
roles = ["unit_head"]
'''
VALID = HEADER + DRAFT + DONE + FINISH

COUNCIL_STATES = HEADER + DRAFT + DONE + '''
[[states]]
name = "lost"
label = "Không đạt"
final = true
'''
VOTE = '''
[[transitions]]
name = "finish"
label = "Biểu quyết"
from = ["draft"]
to = "done"
roles = ["council_secretary"]
{fail}
[transitions.vote]
quorum = {quorum}
threshold = {threshold}
threshold_base = {base}
ballot = {ballot}
'''


def vote(fail='fail_to = "lost"', quorum='"4/5"', threshold='"1/2"', base='"members"', ballot='"secret"'):
    return COUNCIL_STATES + VOTE.format(fail=fail, quorum=quorum, threshold=threshold, base=base, ballot=ballot)


def errors_of(write_toml, registry, text, filename="mini.toml"):
    path = write_toml(filename, text)
    with pytest.raises(DefinitionError) as excinfo:
        load_definition(path, registry)
    assert str(excinfo.value) == "\n".join(excinfo.value.errors)
    return excinfo.value.errors


def test_the_base_case_is_valid(write_toml, registry):
    wf = load_definition(write_toml("mini.toml", VALID), registry)
    assert wf.initial == "draft" and wf.final_states == ("done",)
    wf = load_definition(write_toml("vote.toml", vote()), registry)
    assert wf.transition("finish").vote.quorum == Fraction(4, 5)


CASES = {
    # unknown keys
    "unknown top-level key": (
        VALID + 'labell = "x"\n',  # lands in the last table: make it top-level instead
        None,
    ),
    "unknown state key": (
        HEADER + DRAFT.replace("initial = true", "initial = true\ninital = true") + DONE + FINISH,
        "mini.toml: state 'draft': unknown key 'inital' (did you mean 'initial'?)",
    ),
    "unknown transition key": (
        VALID + 'guard = ["dossier_complete"]\n',
        "mini.toml: transition 'finish': unknown key 'guard' (did you mean 'guards'?)",
    ),
    "unknown vote key": (
        vote().replace("ballot =", "quorom = 1\nballot ="),
        "mini.toml: transition 'finish': unknown key 'vote.quorom' (did you mean 'quorum'?)",
    ),
    # missing required keys
    "missing workflow label": (
        VALID.replace('label = "Quy trình thử nghiệm"\n', ""),
        "mini.toml: workflow: missing required key 'label'",
    ),
    "missing state label": (
        HEADER + DRAFT.replace('label = "Nháp"\n', "") + DONE + FINISH,
        "mini.toml: state 'draft': missing required key 'label'",
    ),
    "missing transition roles": (
        VALID.replace('roles = ["unit_head"]\n', ""),
        "mini.toml: transition 'finish': missing required key 'roles'",
    ),
    "missing transition name": (
        VALID.replace('name = "finish"\n', ""),
        "mini.toml: transition #1: missing required key 'name'",
    ),
    "missing vote threshold": (
        vote().replace('threshold = "1/2"\n', ""),
        "mini.toml: transition 'finish': missing required key 'vote.threshold'",
    ),
    # duplicates
    "duplicate state": (
        VALID + DONE,
        "mini.toml: state 'done': duplicate state name",
    ),
    "duplicate transition": (
        VALID + FINISH,
        "mini.toml: transition 'finish': duplicate transition name",
    ),
    # unknown references
    "unknown state in from": (
        VALID.replace('from = ["draft"]', 'from = ["draft", "drafty"]'),
        "mini.toml: transition 'finish': unknown state 'drafty' in 'from'",
    ),
    "unknown state in to": (
        VALID.replace('to = "done"', 'to = "dome"'),
        "mini.toml: transition 'finish': unknown state 'dome' in 'to'",
    ),
    "unknown state in fail_to": (
        vote(fail='fail_to = "lots"'),
        "mini.toml: transition 'finish': unknown state 'lots' in 'fail_to'",
    ),
    "unknown role": (
        VALID.replace('roles = ["unit_head"]', 'roles = ["unit_head", "mayor"]'),
        "mini.toml: transition 'finish': unknown role 'mayor'",
    ),
    "unknown responsible role": (
        HEADER + DRAFT.replace("initial = true", 'initial = true\nresponsible_role = "mayor"') + DONE + FINISH,
        "mini.toml: state 'draft': unknown role 'mayor' in 'responsible_role'",
    ),
    "unknown guard": (
        VALID + 'guards = ["dossier_complete", "foo"]\n',
        "mini.toml: transition 'finish': unknown guard 'foo'",
    ),
    "unknown effect": (
        VALID + 'effects = ["notify", "send_fax"]\n',
        "mini.toml: transition 'finish': unknown effect 'send_fax'",
    ),
    # initial state
    "no initial state": (
        HEADER + DRAFT.replace("initial = true\n", "") + DONE + FINISH,
        "mini.toml: workflow: no initial state (mark exactly one state with initial = true)",
    ),
    "two initial states": (
        HEADER + DRAFT + DRAFT.replace('"draft"', '"draft2"') + DONE + FINISH + FINISH.replace(
            '"finish"', '"finish2"').replace('["draft"]', '["draft2"]'),
        "mini.toml: workflow: more than one initial state: 'draft', 'draft2'",
    ),
    "initial state is final": (
        HEADER + DRAFT.replace("initial = true", "initial = true\nfinal = true") + DONE,
        "mini.toml: state 'draft': the initial state cannot be final",
    ),
    # graph
    "unreachable state": (
        VALID + '[[states]]\nname = "limbo"\nlabel = "Treo"\nfinal = true\n',
        "mini.toml: state 'limbo': unreachable from the initial state 'draft'",
    ),
    "non-final state without a way out": (
        VALID.replace('final = true\n', ""),
        "mini.toml: state 'done': non-final state has no transition out",
    ),
    "transition out of a final state": (
        VALID + '[[transitions]]\nname = "reopen"\nlabel = "Mở lại"\nfrom = ["done"]\nto = "draft"\nroles = ["admin"]\n',
        "mini.toml: transition 'reopen': leaves final state 'done' (no transition may leave a final state)",
    ),
    # votes
    "vote without fail_to": (
        vote(fail=""),
        "mini.toml: transition 'finish': a vote transition needs 'fail_to' (the state reached when the vote fails)",
    ),
    "fail_to without a vote": (
        COUNCIL_STATES + FINISH + 'fail_to = "lost"\n',
        "mini.toml: transition 'finish': 'fail_to' is only allowed on a vote transition",
    ),
    "quorum zero": (
        vote(quorum='"0"'),
        "mini.toml: transition 'finish': vote quorum must be in (0, 1], got '0'",
    ),
    "quorum above one": (
        vote(quorum='"6/5"'),
        "mini.toml: transition 'finish': vote quorum must be in (0, 1], got '6/5'",
    ),
    "threshold above one as a decimal": (
        vote(threshold='"1.5"'),
        "mini.toml: transition 'finish': vote threshold must be in (0, 1], got '1.5'",
    ),
    "threshold negative": (
        vote(threshold='"-1/2"'),
        "mini.toml: transition 'finish': vote threshold must be in (0, 1], got '-1/2'",
    ),
    "threshold not a number": (
        vote(threshold='"half"'),
        "mini.toml: transition 'finish': vote threshold must be a fraction such as \"4/5\" or \"0.8\", got 'half'",
    ),
    "threshold divides by zero": (
        vote(threshold='"1/0"'),
        "mini.toml: transition 'finish': vote threshold must be a fraction such as \"4/5\" or \"0.8\", got '1/0'",
    ),
    "bad threshold_base": (
        vote(base='"everyone"'),
        "mini.toml: transition 'finish': vote threshold_base must be \"members\" or \"present\", got 'everyone'",
    ),
    "bad ballot": (
        vote(ballot='"show of hands"'),
        "mini.toml: transition 'finish': vote ballot must be \"secret\" or \"open\", got 'show of hands'",
    ),
    # types
    "time limit zero": (
        HEADER + DRAFT + "time_limit_days = 0\n" + DONE + FINISH,
        "mini.toml: state 'draft': 'time_limit_days' must be a positive integer (working days), got 0",
    ),
    "time limit negative": (
        HEADER + DRAFT + "time_limit_days = -3\n" + DONE + FINISH,
        "mini.toml: state 'draft': 'time_limit_days' must be a positive integer (working days), got -3",
    ),
    "time limit fractional": (
        HEADER + DRAFT + "time_limit_days = 2.5\n" + DONE + FINISH,
        "mini.toml: state 'draft': 'time_limit_days' must be a positive integer (working days), got 2.5",
    ),
    "time limit as a string": (
        HEADER + DRAFT + 'time_limit_days = "3"\n' + DONE + FINISH,
        "mini.toml: state 'draft': 'time_limit_days' must be a positive integer (working days), got '3'",
    ),
    "time limit as a bool": (
        HEADER + DRAFT + "time_limit_days = true\n" + DONE + FINISH,
        "mini.toml: state 'draft': 'time_limit_days' must be a positive integer (working days), got True",
    ),
    "time limit on a final state": (
        VALID.replace("final = true", "final = true\ntime_limit_days = 3"),
        "mini.toml: state 'done': a final state cannot have 'time_limit_days'",
    ),
    "comment_required not a bool": (
        VALID + 'comment_required = "yes"\n',
        "mini.toml: transition 'finish': 'comment_required' must be true or false, got 'yes'",
    ),
    "from not a list": (
        VALID.replace('from = ["draft"]', 'from = "draft"'),
        "mini.toml: transition 'finish': 'from' must be a list of names, got 'draft'",
    ),
    "empty roles": (
        VALID.replace('roles = ["unit_head"]', "roles = []"),
        "mini.toml: transition 'finish': 'roles' must not be empty",
    ),
    "bad state name": (
        VALID.replace('name = "done"', 'name = "Done!"').replace('to = "done"', 'to = "Done!"'),
        "mini.toml: state #2: 'name' must be lower_snake_case (a-z, 0-9, _), got 'Done!'",
    ),
    "empty label": (
        VALID.replace('label = "Hoàn tất"', 'label = ""'),
        "mini.toml: transition 'finish': 'label' must be a non-empty string, got ''",
    ),
}
CASES["unknown top-level key"] = (
    'labell = "x"\n' + VALID,
    "mini.toml: workflow: unknown key 'labell' (did you mean 'label'?)",
)


@pytest.mark.parametrize("case", list(CASES))
def test_broken_definition_is_refused(write_toml, registry, case):
    text, expected = CASES[case]
    errors = errors_of(write_toml, registry, text)
    assert expected in errors, errors


@pytest.mark.parametrize("text", ['name = "mini"\nlabel = \n', VALID.replace('to = "done"', "to = done")])
def test_syntax_error_names_file_and_position(write_toml, registry, text):
    [error] = errors_of(write_toml, registry, text, filename="hỏng.toml")
    assert error.startswith("hỏng.toml: invalid TOML: ")
    assert "(at line " in error


def test_all_problems_of_a_file_are_reported(write_toml, registry):
    text = VALID.replace('roles = ["unit_head"]', 'roles = ["mayor"]') + 'guards = ["foo"]\neffects = ["bar"]\n'
    errors = errors_of(write_toml, registry, text)
    assert errors == [
        "mini.toml: transition 'finish': unknown role 'mayor'",
        "mini.toml: transition 'finish': unknown guard 'foo'",
        "mini.toml: transition 'finish': unknown effect 'bar'",
    ]


def test_load_definitions_collects_the_errors_of_all_files(write_toml, registry, tmp_path):
    write_toml("a.toml", VALID.replace('roles = ["unit_head"]', 'roles = ["mayor"]'))
    write_toml("b.toml", VALID + "not toml\n")
    write_toml("c.toml", VALID.replace('"mini"', '"other"'))
    write_toml("d.toml", VALID.replace('"mini"', '"other"'))
    write_toml("notes.txt", "ignored")
    with pytest.raises(DefinitionError) as excinfo:
        load_definitions(tmp_path, registry)
    errors = excinfo.value.errors
    assert errors[0] == "a.toml: transition 'finish': unknown role 'mayor'"
    assert errors[1].startswith("b.toml: invalid TOML: ")
    assert errors[2] == "d.toml: workflow: name 'other' is already used by c.toml"
    assert len(errors) == 3


def test_load_definitions_keys_by_workflow_name(write_toml, registry, tmp_path):
    write_toml("x.toml", VALID.replace('"mini"', '"alpha"'))
    write_toml("y.toml", vote().replace('"mini"', '"beta"'))
    assert sorted(load_definitions(tmp_path, registry)) == ["alpha", "beta"]


def test_missing_file_and_directory(registry, tmp_path):
    with pytest.raises(DefinitionError, match=r"^missing\.toml: cannot read the file"):
        load_definition(tmp_path / "missing.toml", registry)
    with pytest.raises(DefinitionError, match="not a directory"):
        load_definitions(tmp_path / "nowhere", registry)


@pytest.mark.parametrize(
    ("written", "value"),
    [('"2/3"', Fraction(2, 3)), ('"4/5"', Fraction(4, 5)), ('"0.8"', Fraction(4, 5)), ("0.8", Fraction(4, 5)),
     ("1", Fraction(1)), ('" 1/2 "', Fraction(1, 2))],
)
def test_fractions_in_toml(write_toml, registry, written, value):
    wf = load_definition(write_toml("v.toml", vote(quorum=written)), registry)
    assert wf.transition("finish").vote.quorum == value


def test_a_boolean_is_not_a_fraction(write_toml, registry):
    errors = errors_of(write_toml, registry, vote(quorum="true"))
    assert "mini.toml: transition 'finish': vote quorum must be a fraction such as \"4/5\" or \"0.8\", got True" in errors
