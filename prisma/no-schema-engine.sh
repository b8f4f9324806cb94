#!/bin/sh
# Prisma 7's `generate` insists that a schema engine binary exists but never runs it. Its download
# cannot be reached here, so PRISMA_SCHEMA_ENGINE_BINARY points at this file, which says so if run.
echo "prisma: the native schema engine is not installed; migrations run through Prisma 6's WASM engine (npm run db:migrate)" >&2
exit 1
