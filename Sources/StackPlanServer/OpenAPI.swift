import Foundation
import Hummingbird
import StackPlanCore

/// The OpenAPI 3.1 document of the API, built here and kept in the repository as
/// docs/openapi.json (`stackplan serve --openapi` writes it; a test holds the two, and the
/// routes, to each other).
public enum OpenAPIDocument {
    /// One documented operation.
    struct Operation {
        var route: APIRoute
        var id: String
        var summary: String
        var tag: String
        var query: [(name: String, description: String, type: String)] = []
        /// The body schema's name under components.schemas, for routes that take one.
        var body: String? = nil
        /// Media type and schema of the success answer.
        var success: (status: Int, mediaType: String, schema: JSON) = (200, "application/json", .object(["type": .string("object")]))
        /// Problem statuses the route may answer besides 400 and 500.
        var problems: [Int] = []
        /// Needs a bearer token.
        var secured = false
        /// May also answer 204 No Content (a DELETE that removes rather than cancels).
        var orNoContent = false
    }

    private static let array: JSON = .object(["type": .string("array"), "items": .object(["type": .string("object")])])
    private static let retiredQuery: (String, String, String) =
        ("retired", "exclude (default: offered records only), include (retired ones too) or only (the retired ones).", "string")
    private static let object: JSON = .object(["type": .string("object")])
    private static let pageQuery: [(String, String, String)] = [
        ("limit", "At most this many records (1 to 10,000); X-Total-Count gives the whole count.", "integer"),
        ("offset", "Skip this many records first.", "integer"),
    ]

    static let operations: [Operation] = [
        Operation(route: APIRoute(.get, "/api/v1/health"), id: "health", summary: "The service's state: catalogue size, solves running and waiting.", tag: "service"),
        Operation(route: APIRoute(.get, "/api/v1/openapi.json"), id: "openapi", summary: "This document.", tag: "service"),
        Operation(route: APIRoute(.get, "/api/v1/credentials"), id: "listCredentials",
                  summary: "Credentials, as `stackplan list credentials --json` prints them, filtered.", tag: "catalogue",
                  query: [("provider", "Only this provider's credentials (its id).", "string"),
                          ("competency", "Only credentials with this competency tag.", "string"),
                          ("kind", "Only this kind: skill, module, programme, qualification.", "string"),
                          ("q", "Only records whose id or title contains this text, ignoring case and accents.", "string"), retiredQuery] + pageQuery,
                  success: (200, "application/json", array)),
        Operation(route: APIRoute(.get, "/api/v1/credentials/{id}"), id: "showCredential", summary: "One credential, as `stackplan show ID --json`.",
                  tag: "catalogue", problems: [404]),
        Operation(route: APIRoute(.get, "/api/v1/qualifications"), id: "listQualifications", summary: "Qualifications, filtered.", tag: "catalogue",
                  query: [("provider", "Only this provider's qualifications.", "string"), ("q", "Text in the id or title.", "string"), retiredQuery] + pageQuery,
                  success: (200, "application/json", array)),
        Operation(route: APIRoute(.get, "/api/v1/qualifications/{id}"), id: "showQualification", summary: "One qualification with its requirement tree.",
                  tag: "catalogue", problems: [404]),
        Operation(route: APIRoute(.get, "/api/v1/qualifications/{id}/graph.svg"), id: "stackGraph",
                  summary: "The qualification's stack graph as SVG (Graphviz), or DOT (text/vnd.graphviz) when Graphviz is not installed.", tag: "advisor",
                  query: [("all", "Draw every credential that fits each credits requirement, not only the 5 cheapest.", "boolean")],
                  success: (200, "image/svg+xml", .object(["type": .string("string")])), problems: [404]),
        Operation(route: APIRoute(.get, "/api/v1/providers"), id: "listProviders", summary: "Providers, filtered.", tag: "catalogue",
                  query: [("q", "Text in the id or name.", "string"), retiredQuery] + pageQuery, success: (200, "application/json", array)),
        Operation(route: APIRoute(.get, "/api/v1/providers/{id}"), id: "showProvider", summary: "One provider.", tag: "catalogue", problems: [404]),
        Operation(route: APIRoute(.get, "/api/v1/competencies"), id: "listCompetencies",
                  summary: "Competency tags in use, with how many credentials carry each.", tag: "catalogue",
                  query: [("provider", "Only this provider's credentials.", "string"), ("kind", "Only this kind of credential.", "string"),
                          ("q", "Only credentials whose id or title contains this text.", "string")],
                  success: (200, "application/json", array)),
        Operation(route: APIRoute(.post, "/api/v1/plans"), id: "plan", summary: "The optimal plan, as `stackplan plan --json` prints it.",
                  tag: "learner", body: "PlanRequest", problems: [404, 409, 422, 429, 503]),
        Operation(route: APIRoute(.post, "/api/v1/frontier"), id: "frontier",
                  summary: "Every plan not beaten on both completion date and cost, earliest first, and in `end` whether that is all of them: complete, limit or timeLimit (needs hoursPerWeek).",
                  tag: "learner", body: "FrontierRequest", problems: [404, 409, 422, 429, 503]),
        Operation(route: APIRoute(.post, "/api/v1/nearest"), id: "nearest", summary: "Every qualification ranked by what remains to reach it.",
                  tag: "learner", body: "NearestRequest", problems: [429, 503]),
        Operation(route: APIRoute(.post, "/api/v1/alternatives"), id: "alternatives",
                  summary: "The k best plans, each leaving out credentials of every earlier plan.", tag: "advisor", body: "AlternativesRequest",
                  problems: [404, 409, 422, 429, 503]),
        Operation(route: APIRoute(.post, "/api/v1/compare"), id: "compare",
                  summary: "Plans side by side: several targets, objective lists (by) or alternatives (k).", tag: "advisor", body: "CompareRequest",
                  problems: [404, 409, 422, 429, 503]),
        Operation(route: APIRoute(.post, "/api/v1/explain"), id: "explain",
                  summary: "What meets each requirement and why each credential is in the plan; a saved plan is re-checked.", tag: "advisor",
                  body: "ExplainRequest", problems: [404, 409, 422, 429, 503]),
        Operation(route: APIRoute(.post, "/api/v1/whatif"), id: "whatIf",
                  summary: "A changed situation planned beside the profile's own, with the difference.", tag: "advisor", body: "WhatIfRequest",
                  problems: [404, 409, 429, 503]),
        Operation(route: APIRoute(.post, "/api/v1/exports/plan"), id: "exportPlan", summary: "Plan, then answer the plan as JSON, CSV or Markdown.",
                  tag: "advisor", query: [("format", "json, csv or markdown (default markdown).", "string")], body: "PlanRequest",
                  success: (200, "text/markdown", .object(["type": .string("string")])), problems: [404, 409, 422, 429, 503]),
        Operation(route: APIRoute(.get, "/api/v1/cpd/schemes"), id: "listSchemes", summary: "The CPD schemes of the service's scheme file.",
                  tag: "regulator", success: (200, "application/json", array)),
        Operation(route: APIRoute(.get, "/api/v1/cpd/schemes/{id}"), id: "showScheme", summary: "One CPD scheme with its rules and sources.",
                  tag: "regulator", problems: [404]),
        Operation(route: APIRoute(.post, "/api/v1/cpd/check"), id: "checkRecord",
                  summary: "One practitioner's record against a CPD scheme, as `stackplan cpd check RECORD --json`.", tag: "regulator",
                  body: "CPDCheckRequest", problems: [404, 429]),
        Operation(route: APIRoute(.get, "/api/v1/cpd/coverage"), id: "coverage",
                  summary: "Which catalogue offerings count toward each category of a scheme (scheme=all: every scheme).", tag: "regulator",
                  query: [("scheme", "A scheme's id, or all.", "string"), ("asOf", "The day approvals must be in force on (YYYY-MM-DD).", "string"),
                          ("accreditedOnly", "Count only accredited offerings.", "boolean")],
                  problems: [404, 429]),
        Operation(route: APIRoute(.get, "/api/v1/lint"), id: "lintStored",
                  summary: "The stored catalogue against the mandatory information of the 2022 Council Recommendation on micro-credentials.",
                  tag: "regulator", query: [("provider", "Only this provider's credentials.", "string"),
                                             ("hoursPerEcts", "Learning hours per ECTS (1 to 100; default 25).", "number")], problems: [404]),
        Operation(route: APIRoute(.post, "/api/v1/lint"), id: "lintDocument", summary: "A catalogue document (stackplan/1) in the body, linted.",
                  tag: "regulator", query: [("provider", "Only this provider's credentials.", "string"),
                                             ("hoursPerEcts", "Learning hours per ECTS (1 to 100; default 25).", "number")],
                  body: "CatalogueDocument", problems: [404]),
        Operation(route: APIRoute(.post, "/api/v1/sessions"), id: "signIn", summary: "Sign in with name and password: a bearer token for 12 hours, or (cookie: true) a session cookie with a CSRF token.",
                  tag: "accounts", body: "SignIn", success: (201, "application/json", .object(["type": .string("object")])), problems: [401]),
        Operation(route: APIRoute(.delete, "/api/v1/sessions/current"), id: "signOut", summary: "Revoke the bearer token this request carries.",
                  tag: "accounts", success: (204, "application/json", .object(["type": .string("null")])), problems: [401], secured: true),
        Operation(route: APIRoute(.get, "/api/v1/me"), id: "me", summary: "The signed-in account (an advisor's: with their learners).",
                  tag: "accounts", problems: [401], secured: true),
        Operation(route: APIRoute(.post, "/api/v1/accounts"), id: "createAccount", summary: "Create an account (admin).", tag: "accounts",
                  body: "NewAccount", success: (201, "application/json", .object(["type": .string("object")])), problems: [401, 403, 409], secured: true),
        Operation(route: APIRoute(.post, "/api/v1/assignments"), id: "assign", summary: "Assign a learner to an advisor (admin).", tag: "accounts",
                  body: "Assignment", success: (201, "application/json", .object(["type": .string("object")])), problems: [401, 403], secured: true),
        Operation(route: APIRoute(.get, "/api/v1/audit"), id: "audit", summary: "The latest writes: who, when, what (admin).", tag: "accounts",
                  query: [("limit", "At most this many entries (1 to 1,000; default 100).", "integer")],
                  success: (200, "application/json", array), problems: [401, 403], secured: true),
        Operation(route: APIRoute(.post, "/api/v1/catalogue"), id: "editCatalogue",
                  summary: "Create or replace providers, credentials and qualifications (editor, admin): a stackplan/1 document, validated as an import is, in one transaction, numbered and audited.",
                  tag: "catalogue", body: "CatalogueDocument", success: (201, "application/json", .object(["type": .string("object")])),
                  problems: [401, 403], secured: true),
        Operation(route: APIRoute(.get, "/api/v1/retirements"), id: "listRetirements",
                  summary: "Every retired record: kind, id and when. Retired records stay readable by id, and are offered to no new plan or list.",
                  tag: "catalogue", success: (200, "application/json", array)),
    ] + retirementOperations + [
        Operation(route: APIRoute(.post, "/api/v1/saved-plans"), id: "savePlan",
                  summary: "Plan and save the inputs and result as version 1 (a learner for themselves, an advisor for an assigned learner).",
                  tag: "saved plans", body: "SavePlan", success: (201, "application/json", .object(["type": .string("object")])),
                  problems: [401, 403, 404, 409, 422, 429, 503], secured: true),
        Operation(route: APIRoute(.get, "/api/v1/saved-plans"), id: "listSavedPlans", summary: "The latest version of every saved plan the account may read.",
                  tag: "saved plans", success: (200, "application/json", array), problems: [401], secured: true),
        Operation(route: APIRoute(.get, "/api/v1/saved-plans/{id}"), id: "showSavedPlan", summary: "A saved plan's latest version with the list of all its versions.",
                  tag: "saved plans", problems: [401, 404], secured: true),
        Operation(route: APIRoute(.post, "/api/v1/saved-plans/{id}/versions"), id: "addPlanVersion",
                  summary: "A new version: new status or name, re-planned (replan) or new inputs (plan); earlier versions are kept.",
                  tag: "saved plans", body: "PlanVersion", success: (201, "application/json", .object(["type": .string("object")])),
                  problems: [401, 404, 409, 422, 429, 503], secured: true),
        Operation(route: APIRoute(.post, "/api/v1/profiles"), id: "saveProfile",
                  summary: "Keep a learner profile (a learner's own; an advisor's for an assigned learner named in owner).", tag: "profiles",
                  body: "SaveProfile", success: (201, "application/json", .object(["type": .string("object")])), problems: [401, 403, 404], secured: true),
        Operation(route: APIRoute(.post, "/api/v1/profiles/from-wallet"), id: "profileFromWallet",
                  summary: "Read wallet credential files (Europass EDC, Open Badges 3.0, CLR 2.0; JSON or JWT) into a new kept profile, as `stackplan learner import`.",
                  tag: "profiles", body: "WalletUpload", success: (201, "application/json", .object(["type": .string("object")])),
                  problems: [401, 403, 404], secured: true),
        Operation(route: APIRoute(.get, "/api/v1/profiles"), id: "listProfiles", summary: "The learner profiles the account may read.",
                  tag: "profiles", success: (200, "application/json", array), problems: [401], secured: true),
        Operation(route: APIRoute(.get, "/api/v1/profiles/{id}"), id: "showProfile", summary: "One learner profile.",
                  tag: "profiles", problems: [401, 404], secured: true),
        Operation(route: APIRoute(.put, "/api/v1/profiles/{id}"), id: "replaceProfile",
                  summary: "Replace a learner profile (saved plans keep their own snapshot).", tag: "profiles",
                  body: "SaveProfile", problems: [401, 404], secured: true),
        Operation(route: APIRoute(.post, "/api/v1/jobs/cpd-batch"), id: "startCPDBatch",
                  summary: "Check a batch of practitioners' records (the body: JSON lines or CSV) as a job (regulator, admin).", tag: "jobs",
                  query: [("scheme", "The scheme's id.", "string"), ("format", "jsonl or csv.", "string"),
                          ("asOf", "The day to assess on, for records that give none.", "string"),
                          ("cycleEnds", "The cycle's last day, for records that give none.", "string")],
                  body: "BatchUpload", success: (202, "application/json", .object(["type": .string("object")])), problems: [401, 403, 404, 413, 429],
                  secured: true),
        Operation(route: APIRoute(.post, "/api/v1/jobs/frontier"), id: "startFrontier",
                  summary: "The frontier (the body of POST /api/v1/frontier) as a job: each point a line of the results as it is found.", tag: "jobs",
                  body: "FrontierRequest", success: (202, "application/json", object), problems: [401, 429], secured: true),
        Operation(route: APIRoute(.post, "/api/v1/jobs/alternatives"), id: "startAlternatives",
                  summary: "The k best plans (the body of POST /api/v1/alternatives) as a job, for a large k.", tag: "jobs",
                  body: "AlternativesRequest", success: (202, "application/json", object), problems: [401, 429], secured: true),
        Operation(route: APIRoute(.get, "/api/v1/jobs"), id: "listJobs", summary: "The jobs the account started, newest first.",
                  tag: "jobs", success: (200, "application/json", array), problems: [401], secured: true),
        Operation(route: APIRoute(.get, "/api/v1/jobs/{id}"), id: "showJob", summary: "A job's status, stage, progress and, when done, summary.",
                  tag: "jobs", problems: [401, 404], secured: true),
        Operation(route: APIRoute(.delete, "/api/v1/jobs/{id}"), id: "cancelJob",
                  summary: "Cancel a running job (202), or delete a finished one with its results (204).", tag: "jobs",
                  success: (202, "application/json", object), problems: [401, 404], secured: true, orNoContent: true),
        Operation(route: APIRoute(.get, "/api/v1/jobs/{id}/events"), id: "jobEvents",
                  summary: "Server-Sent Events: progress (stage; done and total or bytes) while the job runs, then done, failed, cancelled or interrupted.", tag: "jobs",
                  success: (200, "text/event-stream", sseEvent), problems: [401, 404], secured: true),
        Operation(route: APIRoute(.get, "/api/v1/jobs/{id}/results"), id: "jobResults",
                  summary: "A finished job's results: JSON lines (one per record or plan), or CSV with format=csv.", tag: "jobs",
                  query: [("format", "jsonl (default) or csv.", "string")],
                  success: (200, "application/x-ndjson", .object(["type": .string("string")])), problems: [401, 404, 409, 410], secured: true),
        Operation(route: APIRoute(.get, "/api/v1/saved-plans/{id}/versions/{version}"), id: "showPlanVersion", summary: "One version of a saved plan.",
                  tag: "saved plans", problems: [401, 404], secured: true),
    ]

    /// Retiring and restoring each kind of record.
    private static var retirementOperations: [Operation] {
        [("provider", "providers"), ("credential", "credentials"), ("qualification", "qualifications")].flatMap { kind, plural in
            [
                Operation(route: APIRoute(.post, "/api/v1/\(plural)/{id}/retirement"), id: "retire\(kind.capitalized)",
                          summary: "Retire a \(kind) (editor, admin): kept and readable, offered to no new plan or list; a numbered, audited catalogue edit.",
                          tag: "catalogue", success: (201, "application/json", object), problems: [401, 403, 404, 409], secured: true),
                Operation(route: APIRoute(.delete, "/api/v1/\(plural)/{id}/retirement"), id: "restore\(kind.capitalized)",
                          summary: "Offer a retired \(kind) again (editor, admin): a numbered, audited catalogue edit.",
                          tag: "catalogue", success: (200, "application/json", object), problems: [401, 403, 404, 409], secured: true),
            ]
        }
    }

    /// Every documented route.
    public static var routes: [APIRoute] { operations.map(\.route) }

    private static func string(_ description: String) -> JSON { .object(["type": .string("string"), "description": .string(description)]) }
    private static func number(_ description: String) -> JSON { .object(["type": .string("number"), "description": .string(description)]) }
    private static func integer(_ description: String) -> JSON { .object(["type": .string("integer"), "description": .string(description)]) }
    private static func boolean(_ description: String) -> JSON { .object(["type": .string("boolean"), "description": .string(description)]) }
    private static func strings(_ description: String) -> JSON {
        .object(["type": .string("array"), "items": .object(["type": .string("string")]), "description": .string(description)])
    }
    private static func reference(_ name: String) -> JSON { .object(["$ref": .string("#/components/schemas/\(name)")]) }
    private static func extending(_ base: String, _ properties: [String: JSON], required: [String] = []) -> JSON {
        var own: [String: JSON] = ["type": .string("object"), "properties": .object(properties)]
        if !required.isEmpty { own["required"] = .array(required.map(JSON.string)) }
        return .object(["allOf": .array([reference(base), .object(own)])])
    }

    /// The planning body's members (docs/api.md, "Planning bodies").
    private static let planningProperties: [String: JSON] = [
        "target": string("Id of the qualification to reach."),
        "learner": .object(["type": .string("object"), "description": .string("The learner profile, as in data/learners/*.json (docs/data-format.md).")]),
        "objectives": strings("What to minimise, in priority order: cost, workload, ects, count, duration (default cost)."),
        "budget": number("Most the plan may cost, in the base currency; replaces the profile's."),
        "maxHours": number("Most learning hours; replaces the profile's."),
        "modes": strings("Modes the learner can attend: online, blended, in-person."),
        "languages": strings("ISO 639-1 languages the learner studies in."),
        "excludeProviders": strings("Providers never to plan."),
        "accreditedOnly": boolean("Plan accredited credentials only."),
        "deadline": string("Finish every credential by this day (YYYY-MM-DD); needs hours per week."),
        "today": string("The day prior learning is measured from (YYYY-MM-DD)."),
        "start": string("First day of study for a schedule (YYYY-MM-DD)."),
        "hoursPerWeek": number("Learning hours a week (more than 0, at most 168); makes the plan a schedule."),
        "hoursPerEcts": number("Learning hours per ECTS for credentials that state none (1 to 100; default 25)."),
        "schedule": boolean("false plans without the calendar even when the profile gives hours per week (default true)."),
        "timeLimit": number("Solver time limit in seconds (at most the service's limit, 60 by default)."),
        "gap": number("Accept a plan within this relative gap of optimal (0 to below 1; default 0)."),
        "exceptions": .object(["type": .string("array"), "items": .object(["type": .string("object")]),
                               "description": .string("Advisor exceptions as a profile writes them: {waive}, {substitute, with} or {apply, to}, with an optional note.")]),
    ]

    private static var schemas: [String: JSON] {
        [
            "Problem": .object([
                "type": .string("object"),
                "description": .string("RFC 9457 problem details; every error of the API."),
                "required": .array(["type", "title", "status", "detail", "errors"].map(JSON.string)),
                "properties": .object([
                    "type": string("A URN naming the kind of problem, such as urn:stackplan:problem:invalid-input."),
                    "title": string("The kind of problem in words."),
                    "status": integer("The HTTP status."),
                    "detail": string("This occurrence of the problem."),
                    "errors": .object(["type": .string("array"), "description": .string("Every problem found, with its JSON path (query.NAME for a query parameter)."),
                                       "items": .object(["type": .string("object"), "properties": .object(["path": string("JSON path."), "message": string("What is wrong.")])])]),
                    "diagnosis": .object(["type": .string("object"), "description": .string("For no-plan (422): why, as `plan --json` prints it.")]),
                    "solverStatus": string("For solver-stopped (503): the solver's status."),
                    "retryAfter": integer("For busy answers (429, 503): seconds to wait."),
                ]),
            ]),
            "PlanRequest": .object(["type": .string("object"), "required": .array(["target", "learner"].map(JSON.string)), "properties": .object(planningProperties)]),
            "FrontierRequest": extending("PlanRequest", ["limit": integer("Most plans to list (1 to 1,000; default 20).")]),
            "AlternativesRequest": extending("PlanRequest", [
                "k": integer("How many plans (1 to 1,000; default 5)."),
                "minDifference": integer("Credentials of every earlier plan each later plan leaves out (default 1)."),
            ]),
            "CompareRequest": .object([
                "type": .string("object"), "required": .array(["targets", "learner"].map(JSON.string)),
                "properties": .object(planningProperties.filter { $0.key != "target" }.merging([
                    "targets": strings("The qualifications to plan toward, side by side."),
                    "by": strings("Objective lists, each planned once, such as \"duration,cost\"."),
                    "k": integer("Also the k best alternatives."),
                    "minDifference": integer("For k: credentials each later plan leaves out."),
                ]) { $1 }),
            ]),
            "ExplainRequest": extending("PlanRequest", ["plan": .object(["type": .string("object"), "description": .string("A plan as POST /api/v1/plans answers it, to explain instead of planning anew.")])]),
            "WhatIfRequest": extending("PlanRequest", [
                "assumeHeld": strings("Catalogue credentials assumed held, earned today (the scenario only)."),
                "without": strings("Credentials (or CREDENTIAL@OFFERING) treated as not offered (the scenario only)."),
            ]),
            "NearestRequest": .object([
                "type": .string("object"), "required": .array(["learner"].map(JSON.string)),
                "properties": .object(planningProperties.filter { !["target", "objectives"].contains($0.key) }.merging([
                    "by": string("cost, ects or duration (default cost)."),
                    "minEqf": integer("Rank qualifications at this EQF level or above only."),
                    "maxEqf": integer("Rank qualifications at this EQF level or below only."),
                    "kinds": strings("Kinds of credential plans may use."),
                ]) { $1 }),
            ]),
            "CPDCheckRequest": .object([
                "type": .string("object"), "required": .array(["record"].map(JSON.string)),
                "properties": .object([
                    "record": .object(["type": .string("object"), "description": .string("A practitioner's record (docs/cpd.md).")]),
                    "scheme": string("The scheme's id (default: the record's)."),
                    "asOf": string("The day to assess on, for a record that gives none (default today)."),
                    "cycleEnds": string("The cycle's last day, for a record that gives none."),
                ]),
            ]),
            "CatalogueDocument": .object(["type": .string("object"), "description": .string("A stackplan/1 catalogue document (docs/data-format.md).")]),
            "SignIn": .object(["type": .string("object"), "required": .array(["name", "password"].map(JSON.string)),
                               "properties": .object(["name": string("The account's name."), "password": string("Its password."),
                                                      "cookie": boolean("true (for the web pages): an HTTP-only, Secure, SameSite=Strict session cookie instead of a token in the body, and a csrfToken to send as X-CSRF-Token with every request that changes anything.")])]),
            "NewAccount": .object(["type": .string("object"), "required": .array(["name", "role", "password"].map(JSON.string)),
                                   "properties": .object(["name": string("1 to 64 letters, digits, '-', '_' or '.'."),
                                                          "role": string("learner, advisor, regulator, editor or admin."),
                                                          "password": string("12 to 72 bytes.")])]),
            "Assignment": .object(["type": .string("object"), "required": .array(["advisor", "learner"].map(JSON.string)),
                                   "properties": .object(["advisor": string("The advisor's account name."), "learner": string("The learner's account name.")])]),
            "SavePlan": .object(["type": .string("object"), "required": .array(["name", "plan"].map(JSON.string)),
                                 "properties": .object(["name": string("What to call the plan."),
                                                        "status": string("draft (default), agreed, enrolled or completed."),
                                                        "owner": string("For an advisor: the learner's account name."),
                                                        "plan": reference("PlanRequest")])]),
            "WalletUpload": .object(["type": .string("object"), "required": .array(["files"].map(JSON.string)),
                                     "properties": .object([
                                        "files": .object(["type": .string("array"), "description": .string("Wallet files, each {name, content}: the file's text (JSON, JSON-LD or a compact JWT)."),
                                                          "items": .object(["type": .string("object"), "properties": .object(["name": string("The file's name, for messages."), "content": string("The file's text.")])])]),
                                        "owner": string("For an advisor: the learner's account name."),
                                     ])]),
            "SaveProfile": .object(["type": .string("object"), "required": .array(["profile"].map(JSON.string)),
                                    "properties": .object(["profile": .object(["type": .string("object"), "description": .string("A learner profile (docs/data-format.md).")]),
                                                           "owner": string("For an advisor creating one: the learner's account name.")])]),
            "BatchUpload": .object(["type": .string("string"), "description": .string("Practitioners' records, one JSON object a line (format=jsonl) or CSV with its header (format=csv), as `stackplan cpd check --batch` reads them (docs/cpd.md). Sent as application/x-ndjson or text/csv; listed here under application/json for tools that expect one body type.")]),
            "PlanVersion": .object(["type": .string("object"),
                                    "properties": .object(["name": string("A new name."), "status": string("A new status."),
                                                           "replan": boolean("Plan the stored inputs again on today's catalogue."),
                                                           "plan": reference("PlanRequest")])]),
        ]
    }

    private static func operationJSON(_ operation: Operation) -> JSON {
        var parameters: [JSON] = operation.route.path.split(separator: "/").filter { $0.hasPrefix("{") }.map { segment in
            .object(["name": .string(String(segment.dropFirst().dropLast())), "in": .string("path"), "required": .bool(true),
                     "schema": .object(["type": .string("string")])])
        }
        parameters += operation.query.map { parameter in
            .object(["name": .string(parameter.name), "in": .string("query"), "description": .string(parameter.description),
                     "schema": .object(["type": .string(parameter.type)])])
        }
        var responses: [String: JSON] = [
            String(operation.success.status): .object([
                "description": .string("Success."),
                "content": .object([operation.success.mediaType: .object(["schema": operation.success.schema])]),
            ]),
        ]
        if operation.orNoContent { responses["204"] = .object(["description": .string("Done; nothing to answer.")]) }
        let words: [Int: String] = [
            400: "Invalid input: every problem with its JSON path.", 404: "An id names nothing stored (or nothing this account may read).",
            401: "No bearer token, or one that is unknown or expired; or a wrong name or password.", 403: "The account's role may not do this.",
            409: "A conflict: a name taken already, a retired target, a record retired already (or not retired), a job not done.",
            410: "The job's results are no longer kept.",
            422: "No plan exists: the diagnosis is in the body.", 429: "Every solve slot is busy and the queue is full; see Retry-After.",
            500: "A fault of the service (logged; no internals in the answer).", 503: "The solver stopped before any plan, or the database is busy.",
        ]
        for status in Set([400, 500] + operation.problems).sorted() {
            responses[String(status)] = .object([
                "description": .string(words[status] ?? "Problem."),
                "content": .object(["application/problem+json": .object(["schema": reference("Problem")])]),
            ])
        }
        var fields: [String: JSON] = [
            "operationId": .string(operation.id), "summary": .string(operation.summary), "tags": .array([.string(operation.tag)]),
            "responses": .object(responses),
        ]
        if !parameters.isEmpty { fields["parameters"] = .array(parameters) }
        if operation.secured { fields["security"] = .array([.object(["bearer": .array([])])]) }
        if let body = operation.body {
            fields["requestBody"] = .object([
                "required": .bool(true),
                "content": .object(["application/json": .object(["schema": reference(body)])]),
            ])
        }
        return .object(fields)
    }

    /// The whole document.
    public static func json(version: String) -> JSON {
        var paths: [String: JSON] = [:]
        for operation in operations {
            var item = paths[operation.route.path]?.objectFields ?? [:]
            item[operation.route.method.rawValue.lowercased()] = operationJSON(operation)
            paths[operation.route.path] = .object(item)
        }
        return .object([
            "openapi": .string("3.1.0"),
            "info": .object([
                "title": .string("StackPlan API"), "version": .string(version),
                "description": .string("Plans of stackable micro-credentials toward qualifications, CPD checks and catalogue browsing: every command of `stackplan` as JSON over HTTP (docs/api.md). Errors are application/problem+json (RFC 9457)."),
            ]),
            "servers": .array([.object(["url": .string("http://127.0.0.1:8080")])]),
            "paths": .object(paths),
            "components": .object([
                "schemas": .object(schemas),
                "securitySchemes": .object(["bearer": .object(["type": .string("http"), "scheme": .string("bearer"),
                                                                "description": .string("A token from POST /api/v1/sessions.")])]),
            ]),
        ])
    }
}

struct OpenAPIRoutes {
    let version: String

    func register(in table: RouteTable) {
        let document = OpenAPIDocument.json(version: version)
        table.add(.get, "/api/v1/openapi.json") { _, _ in JSONResponse.ok(document) }
    }
}

/// One Server-Sent Event as a client reads it (an `event` name and its `data`, JSON text):
/// the schema of each event of a `text/event-stream` answer.
private let sseEvent: JSON = .object([
    "type": .string("object"),
    "properties": .object([
        "event": .object(["type": .string("string"), "enum": .array(["progress", "done", "failed", "cancelled", "interrupted"].map(JSON.string))]),
        "data": .object(["type": .string("string"), "description": .string("The job's progress or, at the end, the job itself, as JSON text")]),
        "id": .object(["type": .string("string")]),
        "retry": .object(["type": .string("integer")]),
    ]),
    "required": .array([.string("data")]),
])
