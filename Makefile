# atiende: two commands for a newcomer — `make demo` and `make test`.
# Only Python 3.11 and make are needed; uv is bootstrapped into .bootstrap/ when missing.

PYTHON      ?= python3.11
UV_VERSION  := 0.13.9
BOOTSTRAP   := .bootstrap
UV          := $(shell command -v uv 2>/dev/null || echo $(BOOTSTRAP)/bin/uv)
VENV        := .venv
PY          := $(VENV)/bin/python
ATIENDE     := $(VENV)/bin/atiende
PORT        ?= 8000
export ATIENDE_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test test-sqlite test-postgres test-servers setup lint audit messages bench-seed bench clean

$(BOOTSTRAP)/bin/uv:
	$(PYTHON) -m venv $(BOOTSTRAP)
	$(BOOTSTRAP)/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --python $(PYTHON) --quiet
	@touch $@

setup: $(VENV)/.synced
	$(PY) scripts/compile_messages.py

demo: setup
	$(ATIENDE) demo --port $(PORT)

test: setup test-servers
	bash scripts/test.sh

# The email tests start a private Dovecot and the browser tests drive Debian's Chromium (never a
# downloaded browser) with axe-core from the npm registry: as root with apt-get, install the Debian
# packages when missing, and fetch axe-core into .cache/. Never fails: without them the tests
# skip locally and fail in CI.
test-servers:
	@command -v dovecot >/dev/null || test -x /usr/sbin/dovecot || \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -q dovecot-imapd >/dev/null || \
	      { apt-get update -q >/dev/null && apt-get install -y -q dovecot-imapd >/dev/null; } || \
	      echo "could not install dovecot-imapd: the IMAP tests will not run" >&2; \
	  else echo "dovecot not found (Debian: sudo apt-get install dovecot-imapd): the IMAP tests will not run" >&2; fi
	@command -v chromium >/dev/null || test -x /usr/bin/chromium || \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -q chromium >/dev/null || \
	      { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; } || \
	      echo "could not install chromium: the browser tests will not run" >&2; \
	  else echo "chromium not found (Debian: sudo apt-get install chromium): the browser tests will not run" >&2; fi
	@$(PYTHON) scripts/fetch_axe.py >/dev/null || \
	  echo "could not fetch axe-core (offline?): the accessibility checks will not run" >&2

lint: setup
	$(VENV)/bin/ruff check atiende tests conftest.py scripts bench

# uv.lock against the advisory snapshot in security/ (docs/decisions/0051-lock-file-audit.md).
audit: setup
	$(PY) scripts/audit_lock.py

messages: setup
	rm -f locale/en/LC_MESSAGES/django.po  # English msgids are the text: rebuilt, never fuzzy
	$(ATIENDE) makemessages -l es_MX -l en --ignore=.venv --ignore=.bootstrap --ignore=bench --ignore=tests --no-obsolete
	msgen locale/en/LC_MESSAGES/django.po -o locale/en/LC_MESSAGES/django.po  # English msgids are the text
	@echo "es_MX entries to translate (untranslated or fuzzy; scripts/po_set.py fills them):"
	@msgattrib --untranslated locale/es_MX/LC_MESSAGES/django.po | grep '^msgid' | tail -n +2 || true
	@msgattrib --only-fuzzy locale/es_MX/LC_MESSAGES/django.po | grep '^msgid' | tail -n +2 || true
	$(PY) scripts/compile_messages.py

clean:
	rm -rf $(VENV) $(BOOTSTRAP)
