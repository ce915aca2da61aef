# Two commands do everything on a fresh machine (Debian/Ubuntu with Python 3.11, make, apt):
#   make demo   set up, then run the main job on the bundled synthetic demo towns
#   make test   set up, then run lint and the whole test suite (one test process per core)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# System packages: fonts with Polish glyphs and pango (HTML -> PDF), poppler-utils (pdftotext,
# used by the tests to read the PDFs), venv support.
APT_PACKAGES := fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 poppler-utils
# The tests also drive the librarian's app in a real browser: Debian's Chromium (Playwright's own
# browser download is not used).
TEST_APT_PACKAGES := chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test setup system lint format clean help

help:
	@echo "make demo   - set up, check every demo town and write its report (the main job)"
	@echo "make test   - set up and run lint + the whole test suite"
	@echo "make lint / make format / make clean"

system:
	@missing=""; \
	for p in $(APT_PACKAGES) $(EXTRA_APT); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,test]'
	touch $(STAMP)

setup: system $(STAMP)

demo: setup
	$(BIN)/diagnosis validate --all
	$(BIN)/diagnosis batch

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: EXTRA_APT = $(TEST_APT_PACKAGES)
test: lint
	$(BIN)/pytest -n auto --dist loadfile

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
