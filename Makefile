# planner: the everyday commands. `make ci` is exactly what CI runs.
SWIFT ?= swift
PREFIX ?= /usr/local
BIN := .build/debug/planner
RELEASE_BIN := .build/release/planner
FUZZ_DIR := .build/fuzz
FUZZ_SECONDS ?= 300
DEMO := Examples/node-app
DEMO_REPO := /tmp/planner-demo-node-app

.PHONY: build test lint format demo install ci fuzz fuzz-build bench release clean examples

build:
	$(SWIFT) build

# The Swift runtime linked in: planner then starts in about 5 ms instead of 8 (no dynamic
# loading of the runtime's libraries), which matters for a tool run on every file.
release:
	$(SWIFT) build -c release --static-swift-stdlib

# The executable is built first: some tests run it end to end (Examples, real BuildKit).
test:
	$(SWIFT) build
	$(SWIFT) test

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests Fuzz

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests Fuzz

# The main job on a built-in example: its recorded history replayed into a temporary git
# repository, then what each commit would cost BuildKit's cache, and why.
demo: build
	@rm -rf $(DEMO_REPO) && python3 Scripts/replay-history.py $(DEMO) $(DEMO_REPO)
	@echo "\$$ cd $(DEMO_REPO)   # Examples/node-app, its history replayed (Examples/histories)"
	@echo "\$$ planner simulate --commits 50"
	@cd $(DEMO_REPO) && $(CURDIR)/$(BIN) simulate --commits 50 2>/dev/null
	@echo
	@echo "\$$ planner suggest --commits 50"
	@cd $(DEMO_REPO) && $(CURDIR)/$(BIN) suggest --commits 50 2>/dev/null
	@echo
	@echo "\$$ planner simulate --explain HEAD~1"
	@cd $(DEMO_REPO) && $(CURDIR)/$(BIN) simulate --commits 50 --explain HEAD~1 2>/dev/null
	@echo
	@echo "\$$ planner context --by-step"
	@cd $(DEMO_REPO) && $(CURDIR)/$(BIN) context --by-step

install: release
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(RELEASE_BIN) $(DESTDIR)$(PREFIX)/bin/planner

ci: lint test

# libFuzzer over the parser: arbitrary bytes must parse or be rejected, never crash or hang,
# and every accepted input must render back byte for byte. Not part of the default build.
fuzz-build:
	@mkdir -p $(FUZZ_DIR)
	swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name PlannerFuzz -package-name planner \
		$$(find Sources/PlannerCore -name '*.swift' | sort) Fuzz/ParserFuzz.swift \
		-o $(FUZZ_DIR)/parser-fuzz

fuzz: fuzz-build
	@mkdir -p $(FUZZ_DIR)/corpus
	@cp Examples/*/Dockerfile $(FUZZ_DIR)/corpus/ 2>/dev/null || true
	@if [ -d ../shared/corpora/buildkit-parser ]; then \
		for f in $$(find ../shared/corpora/buildkit-parser -name Dockerfile); do \
			cp "$$f" "$(FUZZ_DIR)/corpus/$$(echo $$f | tr / _)"; done; fi
	$(FUZZ_DIR)/parser-fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=5 \
		-print_final_stats=1 $(FUZZ_DIR)/corpus

bench: release
	python3 Scripts/bench.py $(RELEASE_BIN)

clean:
	rm -rf .build

# Regenerate the checked-in outputs of every example; review the diff before committing.
examples: build
	@for dir in Examples/*/; do \
		name=$$(basename $$dir); [ -f $$dir/Dockerfile ] || continue; \
		mkdir -p Examples/expected/$$name; \
		$(BIN) parse --format buildkit-dump $$dir/Dockerfile > Examples/expected/$$name/parse.dump; \
		(cd $$dir && ../../$(BIN) parse Dockerfile) > Examples/expected/$$name/parse.json; \
		(cd $$dir && ../../$(BIN) context --by-step) > Examples/expected/$$name/context.txt; \
		if [ -f Examples/histories/$$name.json ]; then \
			repo=$$(mktemp -d) && rmdir $$repo && python3 Scripts/replay-history.py $$dir $$repo && \
			(cd $$repo && $(CURDIR)/$(BIN) simulate --commits 50 2>/dev/null) > Examples/expected/$$name/simulate.txt; \
			(cd $$repo && $(CURDIR)/$(BIN) simulate --commits 50 --format json 2>/dev/null) > Examples/expected/$$name/simulate.json; \
			(cd $$repo && $(CURDIR)/$(BIN) suggest --commits 50 2>/dev/null) > Examples/expected/$$name/suggest.txt; \
			(cd $$repo && $(CURDIR)/$(BIN) suggest --commits 50 --format json 2>/dev/null) > Examples/expected/$$name/suggest.json; \
			rm -rf $$repo; fi; \
	done
