# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 5000
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi

.PHONY: run test bench install clean-db scheduler e2e-deps translations check-workflows

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

instance/.seeded: $(STAMP)
	mkdir -p instance
	$(PY) -m flask --app wsgi init-db
	$(PY) -m flask --app wsgi seed-demo
	touch instance/.seeded

## Serve the app with demo data on SQLite, and exactly one scheduler beside it.
run: $(STAMP) instance/.seeded
	$(PY) -m flask --app wsgi init-db
	$(PY) -m flask --app wsgi seed-demo
	$(PY) -m awards.devserver --port $(PORT)

## The whole suite: SQLite unless TEST_DATABASE_URL is set.
test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	@for b in bench/*.py; do \
	  name=$$(basename $$b .py); [ "$$name" = "__init__" ] && continue; \
	  echo "== $$name"; $(PY) -m bench.$$name || exit 1; \
	done

check-workflows: $(STAMP)
	$(PY) -m flask --app wsgi workflows check

## Re-extract the translatable strings, merge them into every catalogue, compile. Idempotent: the .pot
## is only replaced when its messages or locations changed (not for a new POT-Creation-Date alone).
## Extracted: _()/gettext/lazy_gettext/_l in views, forms and templates, Msg(...) in the engine,
## services and rules (workflows/messages.py), and the labels of workflows/definitions/*.toml (babel.cfg).
## New strings arrive in translations/en/LC_MESSAGES/messages.po with an empty msgstr (no fuzzy
## guesses): translate them, then run `make translations` again; tests/awards/test_i18n.py checks it.
translations: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext -k lazy_gettext -k _l -k Msg \
	  --project=awards --version=1 --copyright-holder=awards \
	  -o translations/messages.pot.new .
	@if [ -f translations/messages.pot ] && diff -q -I '^"POT-Creation-Date: ' \
	    translations/messages.pot translations/messages.pot.new >/dev/null; then \
	  rm translations/messages.pot.new; \
	else mv translations/messages.pot.new translations/messages.pot; fi
	$(VENV)/bin/pybabel update --ignore-obsolete --no-fuzzy-matching -i translations/messages.pot -d translations
	$(VENV)/bin/pybabel compile -d translations

clean-db:
	rm -f instance/awards.db instance/awards.db-wal instance/awards.db-shm instance/.seeded
