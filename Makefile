# planner: the everyday commands. `make ci` is exactly what CI runs.
SWIFT ?= swift
PREFIX ?= /usr/local
BIN := .build/debug/planner
RELEASE_BIN := .build/release/planner
FUZZ_DIR := .build/fuzz
FUZZ_SECONDS ?= 300
DEMO := Examples/node-app

.PHONY: build test lint format demo install ci fuzz fuzz-build bench release clean examples

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

test:
	$(SWIFT) test

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests Fuzz

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests Fuzz

# The main job on a built-in example: what BuildKit parses, and which step reads which file.
demo: build
	@echo "\$$ planner parse --format buildkit-dump $(DEMO)/Dockerfile"
	@$(BIN) parse --format buildkit-dump $(DEMO)/Dockerfile
	@echo
	@echo "\$$ planner context --by-step -f $(DEMO)/Dockerfile --context $(DEMO)"
	@$(BIN) context --by-step -f $(DEMO)/Dockerfile --context $(DEMO)
	@echo
	@echo "\$$ planner parse $(DEMO)/Dockerfile   # the typed model, as JSON (first lines)"
	@$(BIN) parse $(DEMO)/Dockerfile | head -n 30

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
	done
