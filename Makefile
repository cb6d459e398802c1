# The two commands a newcomer needs (see README): `make sim` and `make test`. Both install first.
.PHONY: setup sim test bench typecheck models

setup:
	@bash scripts/setup.sh

sim: setup
	node scripts/curb.mjs sim --suite default --config prediction/intent/intent-stack.yaml --out out/default

test: setup
	bash scripts/test.sh

bench: setup
	node scripts/curb.mjs bench

# Rebuilds models/intent*.onnx and their cards from simulation (datasets, training, threshold, evaluation; ~40 min).
models: setup
	bash scripts/rebuild-models.sh
