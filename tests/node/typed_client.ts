// What a frontend writes against the types GraphQL Code Generator makes with
// docs/codegen.yml. tests/test_codegen.py puts it in a frontend's `src/` beside the README's
// operations (their typed documents are imported by operation name), runs codegen, then
// `tsc --noEmit --strict`. Each `@ts-expect-error` is a claim about the generated types:
// if its line stopped being an error (a nullable field typed as non-null, an enum typed as
// any string, a result typed as `any`), tsc fails.

import type { ResultOf, VariablesOf } from "@graphql-typed-document-node/core";

import { graphql } from "./gql";
import {
  ConversationLiveDocument,
  DashboardDocument,
  type Discipline,
  LatestMessagesDocument,
  LogFranDocument,
  type MessageRole,
} from "./gql/graphql";

// A document written in the frontend's own code, typed through the generated `graphql()`.
export const ViewerName = graphql(`
  query ViewerName {
    viewer {
      username
      displayName
    }
  }
`);

export function greeting(data: ResultOf<typeof ViewerName>): string {
  // @ts-expect-error `viewer` is nullable (no profile yet)
  data.viewer.username;
  if (!data.viewer) return "Welcome";
  const username: string = data.viewer.username; // String!: never null
  // @ts-expect-error `displayName` is nullable
  const shown: string = data.viewer.displayName;
  return `Hi ${data.viewer.displayName ?? username}${shown ? "" : "!"}`;
}

// Outputs use the enums the inputs take: "CROSSFIT", never "crossfit".
export function crossfitDays(data: ResultOf<typeof DashboardDocument>): string[] {
  const workouts = data.viewer?.workouts?.edges.map((edge) => edge.node) ?? [];
  const wanted: Discipline = "CROSSFIT";
  // @ts-expect-error a lowercase string is not a Discipline
  const lowercase: Discipline = "crossfit";
  return workouts
    .filter((workout) => workout.discipline === wanted || workout.discipline === lowercase)
    .map((workout) => workout.completedAt); // DateTime: an ISO string
}

export function roles(data: ResultOf<typeof LatestMessagesDocument>): MessageRole[] {
  // Connections are nullable: a failing list costs that field only.
  return data.viewer?.conversation?.messages?.edges.map((edge) => edge.node.role) ?? [];
}

export function loggedLogKey(data: ResultOf<typeof LogFranDocument>): string | undefined {
  return data.logWorkout.workout.detailedLog?.key; // payloads are non-null
}

export const resumeAfter: VariablesOf<typeof ConversationLiveDocument> = { after: "cursor" };
// @ts-expect-error `after` is a String
export const badCursor: VariablesOf<typeof ConversationLiveDocument> = { after: 1 };
