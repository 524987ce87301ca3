// Validates the OpenAPI document read from stdin with @seriousme/openapi-schema-validator
// (the official OpenAPI JSON Schema, then every $ref resolved) and prints its result as JSON.
// A separate process because the validator is ESM-only and jest runs tests as CommonJS.
import { text } from 'node:stream/consumers';
import { Validator } from '@seriousme/openapi-schema-validator';

const document = JSON.parse(await text(process.stdin));
const result = await new Validator().validate(document);
process.stdout.write(JSON.stringify({ valid: result.valid, errors: result.errors ?? [] }));
