// Route schemas compiled on first use instead of at start.
//
// Fastify compiles every route's validators (Ajv) and response serializers (fast-json-stringify)
// when the server starts: for Jotter's ~60 routes that was about a fifth of the start-up CPU and
// megabytes of generated code kept for routes an idle server may never see. These factories wrap
// Fastify's own compilers (same Ajv options, formats and serializer settings) so that each
// schema is compiled the first time a request needs it; the first request of a route pays a few
// milliseconds once.
//
// A schema that cannot compile would then fail at its first request rather than at start, so
// the tests compile every route's schemas eagerly with `compileAllSchemas` (test/http/).
import AjvCompiler from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type Factories = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>;
type ValidatorFactory = NonNullable<Factories['buildValidator']>;
type SerializerFactory = NonNullable<Factories['buildSerializer']>;
type Validator = ReturnType<ReturnType<ValidatorFactory>>;
type ValidatorDefinition = Parameters<ReturnType<ValidatorFactory>>[0];
type SerializerDefinition = Parameters<ReturnType<SerializerFactory>>[0];

/** Compiles what is still pending (tests: every schema must compile). */
export type CompileAll = () => void;

export interface LazySchemas {
  compilersFactory: { buildValidator: ValidatorFactory; buildSerializer: SerializerFactory };
  compileAll: CompileAll;
}

/** The schema compilers of one Fastify instance. */
export function lazySchemaCompilers(): LazySchemas {
  const pending = new Set<() => unknown>();
  const buildAjvValidator = AjvCompiler();
  const buildFjsSerializer = SerializerSelector();

  function deferred<T>(compile: () => T): () => T {
    let compiled: T | undefined;
    const get = (): T => {
      if (compiled === undefined) {
        compiled = compile();
        pending.delete(get);
      }
      return compiled;
    };
    pending.add(get);
    return get;
  }

  const buildValidator: ValidatorFactory = (externalSchemas, ajvOptions) => {
    // Ajv itself (an instance with its formats) is made on the first compile, too.
    const compiler = deferred(() => buildAjvValidator(externalSchemas, ajvOptions));
    return (definition: ValidatorDefinition) => {
      const validator = deferred(() => compiler()(definition));
      // Fastify reads Ajv's `errors` from the function it called after a failed validation.
      const lazy = (data: unknown) => {
        const validate = validator();
        const result = validate(data);
        lazy.errors = validate.errors;
        return result;
      };
      lazy.errors = undefined as Validator['errors'];
      return lazy as unknown as Validator;
    };
  };

  const buildSerializer: SerializerFactory = (externalSchemas, serializerOptions) => {
    const compiler = deferred(() => buildFjsSerializer(externalSchemas, serializerOptions));
    return (definition: SerializerDefinition) => {
      const serializer = deferred(() => compiler()(definition));
      return (data: unknown) => serializer()(data);
    };
  };

  return {
    compilersFactory: { buildValidator, buildSerializer },
    compileAll() {
      for (const compile of [...pending]) compile();
    },
  };
}
