using System.Text;
using System.Text.Json.Nodes;
using HotlineGrains.Grains.Tickets;

namespace HotlineGrains.OpenApi.Tests;

/// <summary>
/// The document at /openapi/v1.json as an integrator meets it: a maintained linter finds nothing
/// to say about it, and a client generated from it types every workflow step's body.
/// </summary>
public sealed class OpenApiDocumentTests(OpenApiGateway gateway) : IClassFixture<OpenApiGateway>
{
    /// <summary>
    /// Each workflow step: its operation, the request type it takes, a body of that type, and a
    /// body the type must refuse (with why), so a body typed as anything looser fails to compile.
    /// </summary>
    public static readonly IReadOnlyList<StepBody> Steps =
    [
        new("forward", "ForwardTicket", "DepartmentRequest", """{ department: "工程部" }""", "{}", "department is required"),
        new("verify", "VerifyTicket", "VerifyRequest", """{ founded: true, findings: "漏水属实", solvableAtOnce: false }""",
            """{ founded: "yes", findings: "漏水属实", solvableAtOnce: true }""", "founded is a boolean"),
        new("dispatch", "DispatchTicket", "DepartmentRequest", """{ department: "工程部" }""", """{ department: 7 }""", "department is a string"),
        new("wait-on-customer", "WaitOnCustomer", "ReasonRequest", """{ reason: "客户出差，下周回来" }""", "{}", "reason is required"),
        new("resume", "ResumeTicket", "EmptyRequest", "{}", """{ reason: "back" }""", "the body has no fields"),
        new("resolve", "ResolveTicket", "ResolveRequest", """{ plan: "更换水管", result: "已修复", handler: "张工", departmentManager: null }""",
            """{ plan: "更换水管", result: "已修复" }""", "handler is required"),
        new("notify-customer", "NotifyCustomer", "MessageRequest", """{ message: "已修复，请查看" }""", "{}", "message is required"),
        new("record-callback", "RecordCallback", "CallbackRequest", """{ outcome: "Satisfied", note: null }""", """{ outcome: "Happy" }""",
            "outcome is one of the callback outcomes"),
        new("answer", "AnswerTicket", "AnswerRequest", """{ answer: "物业费每月5日前缴纳" }""", "{}", "answer is required"),
        new("reply", "ReplyToCustomer", "ReplyRequest", """{ text: "您好，我们马上处理" }""", """{ text: 42 }""", "text is a string"),
        new("reassign", "ReassignTicket", "ReassignRequest", """{ reason: "换班", agent: "agent-gc-2", department: null }""", """{ agent: "agent-gc-2" }""",
            "reason is required"),
        new("escalate", "EscalateTicket", "ReasonRequest", """{ reason: "客户不满意" }""", """{ reason: null }""", "reason is not nullable"),
        new("classify", "ClassifyTicket", "ClassifyRequest", """{ kind: "Repair", severity: "Complex", urgent: true }""", """{ severity: "Huge" }""",
            "severity is one of the severities"),
        new("sign-off", "SignOffHandlingForm", "EmptyRequest", "{}", """{ signed: true }""", "the body has no fields"),
    ];

    private JsonNode Document => JsonNode.Parse(gateway.DocumentText)!;

    [Fact]
    public async Task The_document_lints_clean_with_Redocly_CLI_recommended_rules()
    {
        var run = await NodeTools.RunAsync(gateway.Workspace, "redocly", "lint", "openapi.json", "--config", "redocly.yaml", "--format", "json");

        var report = JsonNode.Parse(run.Output) ?? throw new InvalidOperationException($"No report from the linter: {run}");
        var errors = report["totals"]!["errors"]!.GetValue<int>();
        var warnings = report["totals"]!["warnings"]!.GetValue<int>();
        var problems = report["problems"]!.AsArray()
            .Where(p => p!["ignored"]?.GetValue<bool>() != true)
            .Select(p => $"{p!["severity"]} {p["ruleId"]} at {p["location"]![0]!["pointer"]}: {p["message"]}");
        Assert.True(run.ExitCode == 0 && errors == 0 && warnings == 0,
            $"Redocly CLI found {errors} errors and {warnings} warnings:\n{string.Join('\n', problems)}\n{run}");
    }

    [Fact]
    public async Task A_client_generated_by_openapi_typescript_types_every_workflow_step_body_as_the_step_request_type()
    {
        // Every step of the workflow has a row, and every step endpoint in the document is one of them.
        Assert.Equal(Enum.GetValues<TicketStep>().Length, Steps.Count);
        var stepPaths = Document["paths"]!.AsObject().Select(p => p.Key).Where(p => p.StartsWith("/api/tickets/{ticketId}/", StringComparison.Ordinal)
            && Document["paths"]![p]!["post"] is not null);
        Assert.Equal(Steps.Select(s => s.Path).Order(StringComparer.Ordinal), stepPaths.Order(StringComparer.Ordinal));

        var generated = await NodeTools.RunAsync(gateway.Workspace, "openapi-typescript", "openapi.json", "--output", "api.d.ts");
        Assert.True(generated.ExitCode == 0, $"openapi-typescript failed: {generated}");

        // The strongest check there is: TypeScript compiles code that uses the generated types as a client would.
        await File.WriteAllTextAsync(Path.Combine(gateway.Workspace, "steps.ts"), StepsSnippet());
        await File.WriteAllTextAsync(Path.Combine(gateway.Workspace, "tsconfig.json"), """
            {
              "compilerOptions": { "strict": true, "noEmit": true, "target": "es2022", "module": "esnext", "moduleResolution": "bundler", "types": [] },
              "files": ["steps.ts"]
            }
            """);
        var compiled = await NodeTools.RunAsync(gateway.Workspace, "tsc", "--project", "tsconfig.json", "--pretty", "false");
        Assert.True(compiled.ExitCode == 0, $"The generated types do not type the step bodies:\n{compiled}\n--- steps.ts\n{StepsSnippet()}");
    }

    [Fact]
    public void Every_operation_that_needs_a_token_documents_401_those_limited_to_roles_403_and_open_ones_neither()
    {
        var operations = Operations().ToList();
        var open = operations.Where(o => o.Operation["security"] is JsonArray { Count: 0 }).Select(o => o.Id).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { "IssueDemoToken", "ListDemoUsers" }, open);

        foreach (var (id, operation) in operations)
        {
            var secured = !open.Contains(id);
            Assert.True(Responds(operation, 401) == secured, $"{id}: 401 documented is {Responds(operation, 401)}, should be {secured}");
            // Every signed-in caller may list their projects; everything else is for some roles only.
            var forRoles = secured && id != "ListProjects";
            Assert.True(Responds(operation, 403) == forRoles, $"{id}: 403 documented is {Responds(operation, 403)}, should be {forRoles}");
        }

        Assert.True(Document["components"]!["securitySchemes"]!["Bearer"] is not null);
        Assert.Contains("Bearer", Document["security"]![0]!.AsObject().Select(s => s.Key));
    }

    [Fact]
    public void Only_the_rate_limited_intake_call_events_and_bulk_reads_document_429_with_Retry_After()
    {
        var limited = Operations().Where(o => Responds(o.Operation, 429)).ToList();

        Assert.Equal(new[]
            {
                "ExportRegisterCsv", "GetDayReport", "GetMonthReport", "GetRangeReport", "GetWeekReport",
                "ListCustomers", "ListOpenTickets", "ListTickets", "QueryAuditTrail", "RecordCallEvent", "RecordTicket",
            },
            limited.Select(o => o.Id).Order(StringComparer.Ordinal));
        Assert.All(limited, o => Assert.NotNull(o.Operation["responses"]!["429"]!["headers"]!["Retry-After"]));
    }

    [Fact]
    public void Every_operation_has_an_operationId_of_its_own()
    {
        var ids = Operations().Select(o => o.Id).ToList();

        Assert.DoesNotContain(string.Empty, ids);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains("ExportRegisterCsv", ids);
    }

    [Fact]
    public void The_server_is_named_relative_to_where_the_document_is_served()
    {
        Assert.Equal("/", Assert.Single(Document["servers"]!.AsArray())!["url"]!.GetValue<string>());
    }

    private IEnumerable<(string Id, JsonObject Operation)> Operations() =>
        from path in Document["paths"]!.AsObject()
        from method in path.Value!.AsObject()
        let operation = method.Value!.AsObject()
        select (operation["operationId"]?.GetValue<string>() ?? string.Empty, operation);

    private static bool Responds(JsonObject operation, int status) =>
        operation["responses"]!.AsObject().ContainsKey(status.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// For each step: the operation's body type is exactly the step's request type (not any, not
    /// unknown, not inline), the path's POST is that operation, a body of that type compiles and a
    /// wrong one does not.
    /// </summary>
    private static string StepsSnippet()
    {
        var ts = new StringBuilder("""
            import type { components, operations, paths } from "./api";

            type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
            type JsonBody<O> = O extends { requestBody?: { content: { "application/json": infer Body } } } ? Body : never;
            function expect<Holds extends true>(): void {}
            type Schemas = components["schemas"];

            """);
        foreach (var (step, index) in Steps.Select((s, i) => (s, i)))
        {
            ts.Append($$"""

                // POST {{step.Path}}
                expect<Equal<paths["{{step.Path}}"]["post"], operations["{{step.OperationId}}"]>>();
                expect<Equal<JsonBody<operations["{{step.OperationId}}"]>, Schemas["{{step.Schema}}"]>>();
                export const body{{index}}: JsonBody<operations["{{step.OperationId}}"]> = {{step.Valid}};
                // @ts-expect-error {{step.Why}}
                export const wrong{{index}}: JsonBody<operations["{{step.OperationId}}"]> = {{step.Invalid}};

                """);
        }

        return ts.ToString();
    }
}

public sealed record StepBody(string Step, string OperationId, string Schema, string Valid, string Invalid, string Why)
{
    public string Path => "/api/tickets/{ticketId}/" + Step;
}
