using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HotlineGrains.Gateway.Floor;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Gateway.Tickets;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace HotlineGrains.Gateway.Tests.Security;

/// <summary>
/// Every endpoint called as every role, and with no token, an expired token, a token signed with
/// another key and a token for another project, each answered with the exact status it must get.
/// Bodies are deliberately invalid, so a caller who gets through gets a 400 and nothing changes.
/// A new endpoint without a row here fails <see cref="Every_endpoint_of_the_gateway_has_a_row_in_the_matrix"/>.
/// </summary>
public sealed class AuthorizationMatrixTests(MatrixGateway gateway) : IClassFixture<MatrixGateway>
{
    private const int Ok = 200, BadRequest = 400, Unauthorized = 401, Forbidden = 403, NotFound = 404;

    private const string Agent = Roles.Agent, Supervisor = Roles.Supervisor, Department = Roles.Department,
        ProjectManager = Roles.ProjectManager, Admin = Roles.Admin, Display = Roles.Display, Integration = Roles.Integration;

    /// <summary>An endpoint that takes any method (the SignalR hub's); its row says which one the matrix calls with.</summary>
    private const string AnyMethod = "ANY";

    /// <summary>
    /// One row per endpoint (and per workflow step): the roles that get through with the status
    /// they then get; every other role gets 403. <c>OtherProject</c> is what a token of an allowed
    /// role for another project gets (404: nothing outside one's projects exists).
    /// </summary>
    public static readonly IReadOnlyList<Row> Matrix = BuildMatrix();

    public static TheoryData<string> Rows() => [.. Matrix.Select(r => r.Name)];

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Each_caller_gets_exactly_the_status_the_matrix_says(string name)
    {
        var row = Matrix.Single(r => r.Name == name);
        var mismatches = new List<string>();

        async Task Expect(string who, string? token, int expected)
        {
            var actual = await gateway.Call(row, token);
            if (actual != expected)
            {
                mismatches.Add($"{who}: {actual} instead of {expected}");
            }
        }

        foreach (var role in Roles.All)
        {
            var expected = row.Anonymous ? row.Allowed.Values.Single() : row.Allowed.GetValueOrDefault(role, Forbidden);
            await Expect(role, gateway.Token(role), expected);
        }

        var someAllowedRole = row.Allowed.Keys.FirstOrDefault(r => r != "*") ?? Agent;
        var refused = row.Anonymous ? row.Allowed.Values.Single() : Unauthorized;
        await Expect("no token", null, refused);
        await Expect("expired token", gateway.Token(someAllowedRole, lifetime: TimeSpan.FromMinutes(-5)), refused);
        await Expect("token signed with another key", gateway.ForeignToken(someAllowedRole), refused);
        await Expect("token for another project", gateway.Token(someAllowedRole, project: MatrixGateway.OtherProject),
            row.Anonymous ? row.Allowed.Values.Single() : row.OtherProject ?? NotFound);

        Assert.True(mismatches.Count == 0, $"{row.Method} {row.Path}:\n" + string.Join("\n", mismatches));
    }

    [Fact]
    public void Every_endpoint_of_the_gateway_has_a_row_in_the_matrix()
    {
        var all = gateway.Factory.Services.GetServices<EndpointDataSource>().SelectMany(source => source.Endpoints).OfType<RouteEndpoint>().ToList();

        // The Orleans dashboard's own routes (its page, scripts and data) are one family: the
        // matrix calls its page, and every one of them is for admins alone.
        var dashboard = all.Where(e => IsDashboard(e.RoutePattern.RawText!)).ToList();
        Assert.NotEmpty(dashboard);
        Assert.All(dashboard, e => Assert.Equal([Admin],
            e.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.AuthorizationPolicy>()
                .SelectMany(p => p.Requirements).OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>()
                .SelectMany(r => r.AllowedRoles)));

        var endpoints = all.Where(e => !IsDashboard(e.RoutePattern.RawText!))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [AnyMethod]).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .ToHashSet();
        var covered = Matrix.Where(r => !IsDashboard(r.Route)).Select(r => $"{r.Method} {r.Route}").ToHashSet();

        Assert.Empty(endpoints.Except(covered));
        Assert.Empty(covered.Except(endpoints));
    }

    /// <summary>
    /// Every method a screen may invoke on the wallboard hub, with the arguments the matrix calls it
    /// with for a project: each must answer inside the caller's projects and look missing outside.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, Func<string, object?[]>> HubMethods = new Dictionary<string, Func<string, object?[]>>
    {
        [nameof(WallboardHub.Join)] = project => [project],
        [nameof(WallboardHub.JoinLive)] = project => [project, 25],
        [nameof(WallboardHub.Board)] = project => [project],
    };

    [Fact]
    public void Every_method_of_the_wallboard_hub_has_a_row_in_the_matrix()
    {
        var methods = typeof(WallboardHub).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName).Select(m => m.Name).Order(StringComparer.Ordinal);
        Assert.Equal(HubMethods.Keys.Order(StringComparer.Ordinal), methods);
    }

    [Fact]
    public async Task Every_role_may_call_each_wallboard_hub_method_as_the_role_table_says_inside_its_projects_and_nowhere_else()
    {
        var watchers = RoleTable.Of("WallboardHub").Roles;
        var mismatches = new List<string>();

        foreach (var role in Roles.All)
        {
            if (!watchers.Contains(role))
            {
                var refused = await Record.ExceptionAsync(() => gateway.ConnectToHub(gateway.Token(role)));
                if (refused?.Message.Contains("403", StringComparison.Ordinal) != true)
                {
                    mismatches.Add($"{role} connected, or was refused otherwise than 403: {refused?.Message}");
                }

                continue;
            }

            foreach (var (method, arguments) in HubMethods)
            {
                await using (var inside = await gateway.ConnectToHub(gateway.Token(role)))
                {
                    var answer = await Record.ExceptionAsync(() => inside.InvokeAsync(method, arguments(MatrixGateway.Project)));
                    if (answer is not null)
                    {
                        mismatches.Add($"{role} calling {method} for its own project: {answer.Message}");
                    }

                    // Another project looks missing, exactly like one that does not exist.
                    var outside = await Record.ExceptionAsync(() => inside.InvokeAsync(method, arguments(MatrixGateway.OtherProject)));
                    if (outside is not HubError || !outside.Message.Contains("no project", StringComparison.Ordinal))
                    {
                        mismatches.Add($"{role} calling {method} for another project: {outside?.Message ?? "answered"}");
                    }
                }

                await using var elsewhere = await gateway.ConnectToHub(gateway.Token(role, project: MatrixGateway.OtherProject));
                var foreign = await Record.ExceptionAsync(() => elsewhere.InvokeAsync(method, arguments(MatrixGateway.Project)));
                if (foreign is not HubError || !foreign.Message.Contains("no project", StringComparison.Ordinal))
                {
                    mismatches.Add($"{role} of another project calling {method} for {MatrixGateway.Project}: {foreign?.Message ?? "answered"}");
                }
            }
        }

        var anonymous = await Record.ExceptionAsync(() => gateway.ConnectToHub(token: null));
        if (anonymous?.Message.Contains("401", StringComparison.Ordinal) != true)
        {
            mismatches.Add($"no token: {anonymous?.Message ?? "connected"}");
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    private static bool IsDashboard(string route) => route.StartsWith("/dashboard", StringComparison.Ordinal);

    [Fact]
    public void Every_workflow_step_has_a_row_in_the_matrix()
    {
        var steps = Matrix.Where(r => r.Method == "POST" && r.Route.StartsWith("/api/tickets/{ticketId}/", StringComparison.Ordinal) && !r.Route.EndsWith('}'))
            .Select(r => r.Path.Split('/')[^1]).ToHashSet();

        Assert.Equal(Enum.GetValues<TicketStep>().Length, steps.Count);
        Assert.Equal(Enum.GetValues<TicketStep>().Length, TicketStepNames().Count(steps.Contains));
    }

    private static IEnumerable<string> TicketStepNames() =>
        Enum.GetValues<TicketStep>().Select(s => string.Concat(s.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())));

    [Fact]
    public void Every_row_of_the_role_table_is_called_by_the_matrix_and_every_operation_in_the_matrix_has_one()
    {
        var called = Matrix.Where(r => r.Operation is not null).Select(r => r.Operation!).ToHashSet();

        Assert.Empty(RoleTable.All.Select(p => p.Operation).Except(called));
        Assert.All(called, operation => RoleTable.Of(operation));
    }

    /// <summary>
    /// The rows, with who gets through taken from <see cref="RoleTable"/>: each row says only what an
    /// allowed role then gets (<c>Through</c>), and where a scope rule of the table answers otherwise
    /// for some role on the fixture's data (<c>Except</c>).
    /// </summary>
    private static List<Row> BuildMatrix()
    {
        const string p = MatrixGateway.Project, t = MatrixGateway.TicketId, a = MatrixGateway.AgentId, c = MatrixGateway.CustomerId;
        static Dictionary<string, int> Everyone(int status) => new() { ["*"] = status };
        static Row Api(string method, string route, string path, string? body, string operation, int through, Dictionary<string, int>? except = null, int? otherProject = null, string? verb = null) =>
            new(method, route, path, body, RoleTable.Of(operation).Roles.ToDictionary(r => r, r => except?.GetValueOrDefault(r, through) ?? through), otherProject, Verb: verb)
            {
                Operation = operation,
            };
        const string Invalid = "{}";
        var rows = new List<Row>
        {
            new(AnyMethod, "/healthz", "/healthz", null, Everyone(Ok), Anonymous: true, Verb: "GET"),
            new(AnyMethod, "/readyz", "/readyz", null, Everyone(Ok), Anonymous: true, Verb: "GET"),
            // Served on the management port alone (MetricsTests reads it there): on the API's port no role finds it.
            new(AnyMethod, "/metrics", "/metrics", null, Roles.All.ToDictionary(role => role, _ => NotFound), Verb: "GET"),
            new("GET", "/openapi/{documentName}.json", "/openapi/v1.json", null, Everyone(Ok), Anonymous: true),
            new("GET", "/demo/users", "/demo/users", null, Everyone(Ok), Anonymous: true),
            new("POST", "/demo/tokens", "/demo/tokens", Invalid, Everyone(BadRequest), Anonymous: true),

            Api("GET", "/api/projects", "/api/projects", null, "ListProjects", Ok, otherProject: Ok),
            Api("GET", "/api/projects/{projectId}", $"/api/projects/{p}", null, "GetProject", Ok),
            Api("PUT", "/api/projects/{projectId}", $"/api/projects/{p}", Invalid, "ConfigureProject", BadRequest),
            Api("GET", "/api/projects/{projectId}/register.csv", $"/api/projects/{p}/register.csv", null, "ExportRegisterCsv", Ok),
            Api("GET", "/api/projects/{projectId}/summaries/daily", $"/api/projects/{p}/summaries/daily?date=yesterday", null, "GetDailySummary", BadRequest),
            Api("POST", "/api/projects/{projectId}/calls", $"/api/projects/{p}/calls", Invalid, "RecordCallEvent", BadRequest),
            Api("GET", "/api/projects/{projectId}/faults", $"/api/projects/{p}/faults", null, "ListFaults", Ok),
            Api("POST", "/api/projects/{projectId}/faults", $"/api/projects/{p}/faults", Invalid, "RecordFault", BadRequest),
            Api("POST", "/api/projects/{projectId}/phrases/check", $"/api/projects/{p}/phrases/check", Invalid, "CheckForbiddenPhrases", BadRequest),

            Api("POST", "/api/projects/{projectId}/tickets", $"/api/projects/{p}/tickets", Invalid, "RecordTicket", BadRequest),
            // The department token answers for 工程部 alone: its register is 工程部's tickets.
            Api("GET", "/api/projects/{projectId}/tickets", $"/api/projects/{p}/tickets", null, "ListTickets", Ok),
            // The department token lists 工程部's open tickets, as in the register.
            Api("GET", "/api/projects/{projectId}/open-tickets", $"/api/projects/{p}/open-tickets", null, "ListOpenTickets", Ok),
            // The fixture's ticket is forwarded to 工程部, so the department sees it.
            Api("GET", "/api/tickets/{ticketId}", $"/api/tickets/{t}", null, "GetTicket", Ok),
            Api("GET", "/api/tickets/{ticketId}/handling-form", $"/api/tickets/{t}/handling-form", null, "GetHandlingForm", Ok),

            Api("GET", "/api/projects/{projectId}/agents", $"/api/projects/{p}/agents", null, "ListAgents", Ok),
            // An agent reads, and sets the presence and delegate of, only themselves: this one is someone else.
            Api("GET", "/api/agents/{agentId}", $"/api/agents/{a}", null, "GetAgent", Ok, new() { [Agent] = Forbidden }),
            Api("PUT", "/api/agents/{agentId}", $"/api/agents/{a}", Invalid, "RegisterAgent", BadRequest),
            Api("PUT", "/api/agents/{agentId}/presence", $"/api/agents/{a}/presence", Invalid, "SetAgentPresence", BadRequest, new() { [Agent] = Forbidden }),
            Api("PUT", "/api/agents/{agentId}/delegate", $"/api/agents/{a}/delegate", Invalid, "SetAgentDelegate", BadRequest, new() { [Agent] = Forbidden }),

            Api("GET", "/api/customers/{customerId}", $"/api/customers/{c}", null, "GetCustomer", Ok),
            Api("PUT", "/api/customers/{customerId}", $"/api/customers/{c}", Invalid, "RecordCustomer", BadRequest),
            // Without phone= the directory is a bulk read, which an agent may not do.
            Api("GET", "/api/projects/{projectId}/customers", $"/api/projects/{p}/customers", null, "ListCustomers", Ok, new() { [Agent] = BadRequest }),

            Api("GET", "/api/audit", $"/api/audit?projectId={p}", null, "QueryAuditTrail", Ok),

            // Reports (issue 12): a bad period is a 400 to those allowed; another project's caller asking for this project gets 404.
            Api("GET", "/api/reports/day/{date}", $"/api/reports/day/yesterday?project={p}", null, "GetDayReport", BadRequest),
            Api("GET", "/api/reports/week/{week}", $"/api/reports/week/2026-W99?project={p}", null, "GetWeekReport", BadRequest),
            Api("GET", "/api/reports/month/{month}", $"/api/reports/month/2026-13?project={p}", null, "GetMonthReport", BadRequest),
            Api("GET", "/api/reports/range", $"/api/reports/range?from=2026-03-01&project={p}", null, "GetRangeReport", BadRequest),

            // The Orleans dashboard: cluster-wide, so an admin of any project sees it.
            Api("GET", "/dashboard/", "/dashboard/", null, "OrleansDashboard", Ok, otherProject: Ok),

            // The hub lets the people of the floor connect; which projects they may watch is decided on Join.
            Api(AnyMethod, "/hubs/wallboard/negotiate", "/hubs/wallboard/negotiate?negotiateVersion=1", null, "WallboardHub", Ok, otherProject: Ok, verb: "POST"),
            Api(AnyMethod, "/hubs/wallboard", "/hubs/wallboard", null, "WallboardHub", BadRequest, otherProject: BadRequest, verb: "GET"),
        };

        // Workflow steps, an endpoint each: an unknown field makes every body invalid, so whoever gets through gets a 400.
        foreach (var (step, operation) in TicketStepAccess.Operations)
        {
            var name = TicketSteps.Name(step);
            rows.Add(Api("POST", "/api/tickets/{ticketId}/" + name, $"/api/tickets/{t}/{name}", """{"unknownField":1}""", operation, BadRequest));
        }

        // A step that does not exist is bad input for whoever may take some step.
        rows.Add(new("POST", "/api/tickets/{ticketId}/{step:unknownstep}", $"/api/tickets/{t}/bogus", "{}",
            TicketStepAccess.AnyStepper.ToDictionary(r => r, _ => BadRequest), OtherProject: BadRequest));

        return rows;
    }

    /// <param name="Route">The route pattern as registered.</param>
    /// <param name="Path">A concrete path on the fixture's data.</param>
    /// <param name="Allowed">Role → status for the roles that get through ("*": everyone, for anonymous endpoints).</param>
    /// <param name="OtherProject">What an allowed role's token for another project gets; 404 unless given.</param>
    /// <param name="Anonymous">Open to anyone: every caller, with or without a token, gets the one allowed status.</param>
    /// <param name="Verb">The method to call with, for an endpoint that takes any.</param>
    /// <param name="Operation">The row of <see cref="RoleTable"/> the roles come from; none for an endpoint open to anyone.</param>
    public sealed record Row(string Method, string Route, string Path, string? Body, Dictionary<string, int> Allowed, int? OtherProject = null, bool Anonymous = false, string? Verb = null)
    {
        public string? Operation { get; init; }

        public string Name => $"{Method} {Path}";
    }
}

/// <summary>A gateway with a ticket, an agent and a customer in one project, and tokens for every kind of caller.</summary>
public sealed class MatrixGateway : IAsyncLifetime
{
    public const string Project = "weibang-plaza";
    public const string OtherProject = "jining-shiji-jiayuan";
    public const string AgentId = "agent-matrix";
    public const string CustomerId = "customer-matrix";

    /// <summary>The ticket agent-1001 recorded with Idempotency-Key "matrix" in <see cref="Project"/>: its id follows from the three.</summary>
    public const string TicketId = "f53b5074c91135ad8cb97bab36a9a4a0";

    public GatewayFactory Factory { get; } = new();

    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)Factory).InitializeAsync();
        client = Factory.CreateClient();
        var api = new HotlineApi(client, user => Factory.TokenFor(user));
        await api.Put($"/api/agents/{AgentId}", new { workNumber = "9001", name = "王芳", projects = new[] { Project }, departments = Array.Empty<string>() });
        await api.Put($"/api/customers/{CustomerId}", new
        {
            surname = "赵", honorific = "Mr", unitNumber = "1-1-101", phones = new[] { "13800001111" }, projectId = Project, tier = "B",
        });

        var ticket = await api.Intake(Project, HotlineApi.Complaint(), idempotencyKey: "matrix");
        Assert.Equal(TicketId, HotlineApi.Id(ticket));
        await api.Step(ticket, "forward", new { department = "工程部" });
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await ((IAsyncLifetime)Factory).DisposeAsync();
    }

    /// <summary>A token for one role on <see cref="Project"/> (a department user answers for 工程部, the ticket's department).</summary>
    public string Token(string role, string project = Project, TimeSpan? lifetime = null) =>
        Factory.TokenFor($"matrix-{role}", [role], [project], role == Roles.Department ? ["工程部"] : [], lifetime ?? TimeSpan.FromHours(1));

    /// <summary>A well-formed token for an allowed role, signed with a key the gateway does not trust.</summary>
    public string ForeignToken(string role)
    {
        var options = Microsoft.Extensions.Options.Options.Create(new AuthOptions { SigningKey = "some-other-issuers-key-0123456789abcdef" });
        return new TokenIssuer(options, TimeProvider.System).Issue($"matrix-{role}", [role], [Project], lifetime: TimeSpan.FromHours(1));
    }

    /// <summary>A wallboard hub connection with the given token, or none.</summary>
    public Task<HubClient> ConnectToHub(string? token) => Factory.ConnectToHubAsync(token);

    public async Task<int> Call(AuthorizationMatrixTests.Row row, string? token)
    {
        using var request = new HttpRequestMessage(new HttpMethod(row.Verb ?? row.Method), row.Path);
        request.Headers.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
        if (row.Body is not null)
        {
            request.Content = new StringContent(row.Body, Encoding.UTF8, "application/json");
        }

        // The factory's clients carry a default token: this one carries only the token given, if any.
        using var bare = Factory.CreateDefaultClient();
        bare.DefaultRequestHeaders.Authorization = null;
        using var response = await bare.SendAsync(request);
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        return (int)response.StatusCode;
    }
}
