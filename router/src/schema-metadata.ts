/**
 * What the router reads from the supergraph's directives, per type and field: authorization
 * (`@authenticated`, `@requiresScopes`) and demand control (`@cost`, `@listSize`). The gateway ignores
 * these; the router enforces them. Directive names follow the supergraph's `@link`s (including `as:`
 * renames), so a supergraph composed with other import names still works.
 */
import {
  Kind,
  parse,
  valueFromASTUntyped,
  type DirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';

export interface Requirement {
  authenticated: boolean;
  /** Outer list: any of; inner list: all of. Null: no scope requirement. */
  scopes: string[][] | null;
}

export interface ListSize {
  assumedSize?: number;
  slicingArguments?: string[];
  sizedFields?: string[];
  requireOneSlicingArgument: boolean;
}

export interface FieldCost {
  weight?: number;
  listSize?: ListSize;
  argumentWeights: Record<string, number>;
}

export interface SchemaMetadata {
  apiSchema: GraphQLSchema;
  /** The field's own requirement combined with its return type's; undefined when it has none. */
  requirement(typeName: string, fieldName: string, returnTypeName: string): Requirement | undefined;
  fieldCost(typeName: string, fieldName: string): FieldCost | undefined;
  typeWeight(typeName: string): number | undefined;
}

const SPECS = {
  authenticated: 'https://specs.apollo.dev/authenticated/',
  requiresScopes: 'https://specs.apollo.dev/requiresScopes/',
  cost: 'https://specs.apollo.dev/cost/',
} as const;

/** The names directives go by in this supergraph, from its `@link(url:, as:, import:)` applications. */
function directiveNames(document: DocumentNode): { authenticated: string; requiresScopes: string; cost: string; listSize: string } {
  const names = { authenticated: 'authenticated', requiresScopes: 'requiresScopes', cost: 'cost', listSize: 'listSize' };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const args = Object.fromEntries((link.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value)]));
      const url = String(args.url ?? '');
      const as = typeof args.as === 'string' ? args.as : undefined;
      const imports = Array.isArray(args.import) ? args.import : [];
      const imported = (name: string) => {
        for (const entry of imports) {
          if (entry === `@${name}`) return name;
          if (typeof entry === 'object' && entry && (entry as { name?: string }).name === `@${name}`) {
            return String((entry as { as?: string }).as ?? `@${name}`).replace(/^@/, '');
          }
        }
        return undefined;
      };
      if (url.startsWith(SPECS.authenticated)) names.authenticated = as ?? 'authenticated';
      if (url.startsWith(SPECS.requiresScopes)) names.requiresScopes = as ?? 'requiresScopes';
      if (url.startsWith(SPECS.cost)) {
        names.cost = imported('cost') ?? `${as ?? 'cost'}__cost`;
        names.listSize = imported('listSize') ?? `${as ?? 'cost'}__listSize`;
      }
    }
  }
  return names;
}

function argumentsOf(directive: DirectiveNode): Record<string, unknown> {
  return Object.fromEntries((directive.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value)]));
}

function merge(a: Requirement | undefined, b: Requirement | undefined): Requirement | undefined {
  if (!a) return b;
  if (!b) return a;
  const scopes = a.scopes && b.scopes ? a.scopes.flatMap((x) => b.scopes!.map((y) => [...x, ...y])) : (a.scopes ?? b.scopes);
  return { authenticated: a.authenticated || b.authenticated, scopes };
}

export function buildSchemaMetadata(apiSchema: GraphQLSchema, supergraphSdl: string): SchemaMetadata {
  const document = parse(supergraphSdl, { noLocation: true });
  const names = directiveNames(document);
  const typeRequirements = new Map<string, Requirement>();
  const fieldRequirements = new Map<string, Requirement>();
  const fieldCosts = new Map<string, FieldCost>();
  const typeWeights = new Map<string, number>();

  const requirementOf = (directives: readonly DirectiveNode[] | undefined): Requirement | undefined => {
    let requirement: Requirement | undefined;
    for (const directive of directives ?? []) {
      if (directive.name.value === names.authenticated) requirement = merge(requirement, { authenticated: true, scopes: null });
      if (directive.name.value === names.requiresScopes) {
        const scopes = (argumentsOf(directive).scopes as string[][] | undefined) ?? [];
        requirement = merge(requirement, { authenticated: true, scopes });
      }
    }
    return requirement;
  };

  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name || !('directives' in definition)) continue;
    const typeName = definition.name.value;
    const typeRequirement = requirementOf(definition.directives);
    if (typeRequirement) typeRequirements.set(typeName, merge(typeRequirements.get(typeName), typeRequirement)!);
    for (const directive of definition.directives ?? []) {
      if (directive.name.value === names.cost) typeWeights.set(typeName, Number(argumentsOf(directive).weight));
    }
    if (!('fields' in definition) || !definition.fields) continue;
    for (const field of definition.fields) {
      if (field.kind !== Kind.FIELD_DEFINITION) continue;
      const coordinate = `${typeName}.${field.name.value}`;
      const requirement = requirementOf(field.directives);
      if (requirement) fieldRequirements.set(coordinate, merge(fieldRequirements.get(coordinate), requirement)!);
      const cost: FieldCost = { argumentWeights: {} };
      let costed = false;
      for (const directive of field.directives ?? []) {
        const args = argumentsOf(directive);
        if (directive.name.value === names.cost) {
          cost.weight = Number(args.weight);
          costed = true;
        }
        if (directive.name.value === names.listSize) {
          cost.listSize = {
            ...(args.assumedSize !== undefined && args.assumedSize !== null ? { assumedSize: Number(args.assumedSize) } : {}),
            ...(Array.isArray(args.slicingArguments) ? { slicingArguments: args.slicingArguments.map(String) } : {}),
            ...(Array.isArray(args.sizedFields) ? { sizedFields: args.sizedFields.map(String) } : {}),
            requireOneSlicingArgument: args.requireOneSlicingArgument !== false,
          };
          costed = true;
        }
      }
      for (const argument of field.arguments ?? []) {
        for (const directive of argument.directives ?? []) {
          if (directive.name.value === names.cost) {
            cost.argumentWeights[argument.name.value] = Number(argumentsOf(directive).weight);
            costed = true;
          }
        }
      }
      if (costed) fieldCosts.set(coordinate, cost);
    }
  }

  return {
    apiSchema,
    requirement: (typeName, fieldName, returnTypeName) =>
      merge(fieldRequirements.get(`${typeName}.${fieldName}`), typeRequirements.get(returnTypeName)),
    fieldCost: (typeName, fieldName) => fieldCosts.get(`${typeName}.${fieldName}`),
    typeWeight: (typeName) => typeWeights.get(typeName),
  };
}
