using System.Text.Json;
using static HotlineGrains.Gateway.Tests.BadInputGateway;

namespace HotlineGrains.Gateway.Tests;

/// <summary>
/// Every kind of bad input the API can be sent, across all its endpoints. Each is refused with the
/// exact 4xx, as an RFC 7807 problem that names what was wrong, and leaves everything as it was.
/// </summary>
public sealed class BadInputTests(BadInputGateway gateway) : IClassFixture<BadInputGateway>
{
    private const string P = "/api/projects/" + Project;
    private const string T = "/api/tickets/{ticket}";
    private const string NoTicket = "/api/tickets/0123456789abcdef0123456789abcdef";

    private static readonly HttpMethod Get = HttpMethod.Get;
    private static readonly HttpMethod Post = HttpMethod.Post;
    private static readonly HttpMethod Put = HttpMethod.Put;

    /// <summary>What the fixture's complaint (status Received) allows next.</summary>
    private static readonly string[] ReceivedSteps = ["forward", "reply", "reassign", "escalate", "classify"];

    /// <summary>The instant as local time with no offset: a server would read it in its own time zone.</summary>
    private static string WithoutOffset(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly IReadOnlyList<BadRequest> Cases =
    [
        // Project configuration: PUT /api/projects/{id}
        new("project PUT: malformed JSON", Put, P, """{"name": "维邦广场", """, 400, "body"),
        new("project PUT: text/plain instead of JSON", Put, P, "name=维邦广场", 415, null) { ContentType = "text/plain" },
        new("project PUT: empty body", Put, P, "", 400, "body"),
        new("project PUT: JSON null as the body", Put, P, "null", 400, "body"),
        new("project PUT: a JSON array instead of an object", Put, P, "[]", 400, "body"),
        new("project PUT: id is not a slug", Put, "/api/projects/Weibang_Plaza", ProjectSettings(), 400, "projectId"),
        new("project PUT: name missing", Put, P, ProjectSettings(s => s.Remove("name")), 400, "name"),
        new("project PUT: name over 64 characters", Put, P, ProjectSettings(s => s["name"] = new string('维', 65)), 400, "name"),
        new("project PUT: ticket prefix in lower case", Put, P, ProjectSettings(s => s["ticketPrefix"] = "gc"), 400, "ticketPrefix"),
        new("project PUT: unknown extra field", Put, P, ProjectSettings(s => s["colour"] = "blue"), 400, "colour"),
        new("project PUT: unknown time zone", Put, P, ProjectSettings(s => s["calendar"] = new { timeZone = "Mars/Olympus_Mons" }), 400, "calendar.timeZone"),
        new("project PUT: departments null", Put, P, ProjectSettings(s => s["departments"] = null), 400, "departments"),
        new("project PUT: blank department", Put, P, ProjectSettings(s => s["departments"] = new[] { "工程部", " " }), 400, "departments[1]"),
        new("project PUT: break limit of zero", Put, P, ProjectSettings(s => s["breakLimit"] = "00:00:00"), 400, "breakLimit"),
        new("project PUT: break limit that is not a duration", Put, P, ProjectSettings(s => s["breakLimit"] = "a quarter of an hour"), 400, "breakLimit"),
        new("project PUT: name is nested arrays, not text", Put, P, """{"name":""" + new string('[', 40) + new string(']', 40) + "}", 400, "name"),
        new("project PUT: service levels null", Put, P, ProjectSettings(s => s["serviceLevels"] = null), 400, "serviceLevels"),
        new("project PUT: a service period that ends before it starts", Put, P,
            ProjectSettings(s => s["calendar"] = new
            {
                weeklyHours = new[] { new { day = "Monday", start = "12:00:00", end = "08:00:00" }, new { day = "Tuesday", start = "08:00:00", end = "12:00:00" } },
            }), 400, "calendar.weeklyHours[0].end"),
        new("project PUT: a service period without its day", Put, P,
            ProjectSettings(s => s["calendar"] = new { weeklyHours = new[] { new { start = "08:00:00", end = "12:00:00" } } }), 400, "calendar.weeklyHours[0].day"),
        new("project PUT: body over 256 KB", Put, P, ProjectSettings(s => s["greeting"] = new string('a', 300 * 1024)), 413, null),

        // Intake: POST /api/projects/{id}/tickets
        new("intake: unknown project", Post, "/api/projects/" + Ghost + "/tickets", HotlineApi.Complaint(), 404, null),
        new("intake: project id is not a slug", Post, "/api/projects/WEIBANG/tickets", HotlineApi.Complaint(), 400, "projectId"),
        new("intake: malformed JSON", Post, P + "/tickets", """{"kind":"Complaint",,}""", 400, "body"),
        new("intake: form-encoded instead of JSON", Post, P + "/tickets", "kind=Complaint", 415, null) { ContentType = "application/x-www-form-urlencoded" },
        new("intake: no content type", Post, P + "/tickets", """{"kind":"Complaint"}""", 415, "Content-Type") { ContentType = null },
        new("intake: customer name missing", Post, P + "/tickets", HotlineApi.Complaint(c => c.Remove("customerName")), 400, "customerName"),
        new("intake: customer name blank", Post, P + "/tickets", HotlineApi.Complaint(c => c["customerName"] = "   "), 400, "customerName"),
        new("intake: contact phone null", Post, P + "/tickets", HotlineApi.Complaint(c => c["contactPhone"] = null), 400, "contactPhone"),
        new("intake: contact phone is words", Post, P + "/tickets", HotlineApi.Complaint(c => c["contactPhone"] = "call me"), 400, "contactPhone"),
        new("intake: contact phone too short", Post, P + "/tickets", HotlineApi.Complaint(c => c["contactPhone"] = "123"), 400, "contactPhone"),
        new("intake: content over 2000 characters", Post, P + "/tickets", HotlineApi.Complaint(c => c["content"] = new string('灯', 2001)), 400, "content"),
        new("intake: content with a control character", Post, P + "/tickets", HotlineApi.Complaint(c => c["content"] = "灯坏了\u0007"), 400, "content"),
        new("intake: unknown kind", Post, P + "/tickets", HotlineApi.Complaint(c => c["kind"] = "Praise"), 400, "kind"),
        new("intake: kind as an integer", Post, P + "/tickets", HotlineApi.Complaint(c => c["kind"] = 2), 400, "kind"),
        new("intake: unknown channel", Post, P + "/tickets", HotlineApi.Complaint(c => c["channel"] = "Fax"), 400, "channel"),
        new("intake: severity as an integer", Post, P + "/tickets", HotlineApi.Complaint(c => c["severity"] = 1), 400, "severity"),
        new("intake: urgent as a string", Post, P + "/tickets", HotlineApi.Complaint(c => c["urgent"] = "yes"), 400, "urgent"),
        new("intake: a field given twice", Post, P + "/tickets", """{"kind":"Complaint","kind":"Inquiry"}""", 400, "kind"),
        new("intake: unknown extra field", Post, P + "/tickets", HotlineApi.Complaint(c => c["mood"] = "angry"), 400, "mood"),
        new("intake: category not of the project", Post, P + "/tickets", HotlineApi.Complaint(c => c["category"] = "宠物"), 400, "category"),
        new("intake: department not of the project", Post, P + "/tickets", HotlineApi.Complaint(c => c["department"] = "宠物部"), 400, "department"),
        new("intake: honorific other than 先生 or 女士", Post, P + "/tickets", HotlineApi.Complaint(c => c["honorific"] = "同志"), 400, "honorific"),
        new("intake: received 31 days ago", Post, P + "/tickets", HotlineApi.Complaint(c => c["receivedAt"] = ClockedGateway.Start.AddDays(-31)), 400, "receivedAt"),
        new("intake: received tomorrow", Post, P + "/tickets", HotlineApi.Complaint(c => c["receivedAt"] = ClockedGateway.Start.AddDays(1)), 400, "receivedAt"),
        new("intake: received at without an offset", Post, P + "/tickets", HotlineApi.Complaint(c => c["receivedAt"] = WithoutOffset(ClockedGateway.Start.AddHours(-1))), 400, "receivedAt"),
        new("intake: received at is not a time", Post, P + "/tickets", HotlineApi.Complaint(c => c["receivedAt"] = "yesterday"), 400, "receivedAt"),
        new("intake: complaint closed on the call", Post, P + "/tickets", HotlineApi.Complaint(c => c["answeredOnCall"] = true), 400, "answeredOnCall"),
        new("intake: customer of another project", Post, P + "/tickets", HotlineApi.Complaint(c => c["customerId"] = OtherProjectCustomer), 400, "customerId"),
        new("intake: unknown customer", Post, P + "/tickets", HotlineApi.Complaint(c => c["customerId"] = Ghost), 400, "customerId"),
        new("intake: customer id is not a slug", Post, P + "/tickets", HotlineApi.Complaint(c => c["customerId"] = "C Wang"), 400, "customerId"),
        new("intake: idempotency key over 100 characters", Post, P + "/tickets", HotlineApi.Complaint(), 400, "Idempotency-Key")
        {
            Headers = [("Idempotency-Key", new string('k', 101))],
        },
        new("intake: body over 256 KB", Post, P + "/tickets", HotlineApi.Complaint(c => c["content"] = new string('x', 300 * 1024)), 413, null),

        // The register: GET /api/projects/{id}/tickets and register.csv
        new("audit: ticket and customer both given", Get, "/api/audit?ticketId=t1&customerId=c1", null, 400, "customerId"),
        new("audit: from without an offset", Get, "/api/audit?from=2026-03-02T08:00:00", null, 400, "from"),
        new("audit: page zero", Get, "/api/audit?page=0", null, 400, "page"),
        new("register: unknown project", Get, "/api/projects/" + Ghost + "/tickets", null, 404, null),
        new("register: unknown status", Get, P + "/tickets?status=Lost", null, 400, "status"),
        new("register: status as a number", Get, P + "/tickets?status=1", null, 400, "status"),
        new("register: status given twice", Get, P + "/tickets?status=Received&status=Closed", null, 400, "status"),
        new("register: unknown kind", Get, P + "/tickets?kind=Praise", null, 400, "kind"),
        new("register: unknown severity", Get, P + "/tickets?severity=Extreme", null, 400, "severity"),
        new("register: assignee over 40 characters", Get, P + "/tickets?assignee=" + new string('a', 41), null, 400, "assignee"),
        new("register: department not of the project", Get, P + "/tickets?department=%E5%AE%A0%E7%89%A9%E9%83%A8", null, 400, "department"),
        new("register: from is not a date", Get, P + "/tickets?from=yesterday", null, 400, "from"),
        new("register: from in year 1", Get, P + "/tickets?from=0001-01-01", null, 400, "from"),
        new("register: to in year 9999", Get, P + "/tickets?to=9999-12-31", null, 400, "to"),
        new("register: instant without a time", Get, P + "/tickets?from=2026-03-02+08:00", null, 400, "from"),
        new("register: instant without an offset", Get, P + "/tickets?from=2026-03-02T08:00:00", null, 400, "from"),
        new("register: instant in year 2101", Get, P + "/tickets?to=2101-01-01T00:00:00Z", null, 400, "to"),
        new("register: to before from", Get, P + "/tickets?from=2026-03-02&to=2026-03-01", null, 400, "to"),
        new("register: page zero", Get, P + "/tickets?page=0", null, 400, "page"),
        new("register: page not a number", Get, P + "/tickets?page=two", null, 400, "page"),
        new("register: page size over 200", Get, P + "/tickets?pageSize=201", null, 400, "pageSize"),
        new("register: unknown query parameter", Get, P + "/tickets?sort=asc", null, 400, "sort"),
        new("register CSV: unknown project", Get, "/api/projects/" + Ghost + "/register.csv", null, 404, null),
        new("register CSV: to is not a date", Get, P + "/register.csv?to=2026-13-01", null, 400, "to"),

        // Tickets: GET and the handling form
        new("ticket GET: unknown ticket", Get, NoTicket, null, 404, null),
        new("ticket GET: id with punctuation", Get, "/api/tickets/not-a-ticket", null, 400, "ticketId"),
        new("ticket GET: id over 64 characters", Get, "/api/tickets/" + new string('a', 65), null, 400, "ticketId"),
        new("handling form: unknown ticket", Get, NoTicket + "/handling-form", null, 404, null),

        // Workflow steps: POST /api/tickets/{id}/{step}
        new("step: unknown step", Post, T + "/approve", new { }, 400, "step"),
        new("step: unknown ticket", Post, NoTicket + "/forward", new { department = "工程部" }, 404, null),
        new("step: not allowed in the ticket's status", Post, T + "/resolve", new { plan = "换灯", result = "已换", handler = "赵师傅" }, 409, null)
        {
            Headers = [("If-Match", "{etag}")],
            AllowedSteps = ReceivedSteps,
        },
        new("step: without If-Match", Post, T + "/forward", new { department = "工程部" }, 428, "If-Match"),
        new("step: sign-off before the ticket is resolved", Post, T + "/sign-off", null, 409, null)
        {
            Headers = [("If-Match", "{etag}")],
            AllowedSteps = ReceivedSteps,
        },
        new("step: stale If-Match", Post, T + "/forward", new { department = "工程部" }, 412, "If-Match") { Headers = [("If-Match", "\"0\"")] },
        new("step: If-Match not quoted", Post, T + "/forward", new { department = "工程部" }, 400, "If-Match") { Headers = [("If-Match", "7")] },
        new("step: If-Match not a version", Post, T + "/forward", new { department = "工程部" }, 400, "If-Match") { Headers = [("If-Match", "\"abc\"")] },
        new("forward: department not of the project", Post, T + "/forward", new { department = "宠物部" }, 400, "department"),
        new("forward: department missing", Post, T + "/forward", new { }, 400, "department"),
        new("forward: empty body", Post, T + "/forward", "", 400, "body"),
        new("forward: text/plain body", Post, T + "/forward", "工程部", 415, "Content-Type") { ContentType = "text/plain" },
        new("verify: founded as a string", Post, T + "/verify", new { founded = "yes", findings = "灯坏了" }, 400, "founded"),
        new("verify: findings over 2000 characters", Post, T + "/verify", new { founded = true, findings = new string('查', 2001) }, 400, "findings"),
        new("wait-on-customer: reason missing", Post, T + "/wait-on-customer", new { }, 400, "reason"),
        new("escalate: reason over 500 characters", Post, T + "/escalate", new { reason = new string('急', 501) }, 400, "reason"),
        new("resolve: handler missing", Post, T + "/resolve", new { plan = "换灯", result = "已换" }, 400, "handler"),
        new("notify-customer: message null", Post, T + "/notify-customer", new { message = (string?)null }, 400, "message"),
        new("record-callback: unknown outcome", Post, T + "/record-callback", new { outcome = "Happy" }, 400, "outcome"),
        new("record-callback: outcome as an integer", Post, T + "/record-callback", new { outcome = 0 }, 400, "outcome"),
        new("answer: blank answer", Post, T + "/answer", new { answer = " " }, 400, "answer"),
        new("reply: empty text", Post, T + "/reply", new { text = "" }, 400, "text"),
        new("reassign: neither agent nor department", Post, T + "/reassign", new { reason = "换人" }, 400, "agent"),
        new("reassign: department not of the project", Post, T + "/reassign", new { department = "宠物部", reason = "换部门" }, 400, "department"),
        new("reassign: reason missing", Post, T + "/reassign", new { department = "秩序部" }, 400, "reason"),
        new("reassign: an agent who is not registered", Post, T + "/reassign", new { agent = "agent-nobody", reason = "换人" }, 400, "agent"),
        new("classify: nothing to change", Post, T + "/classify", new { }, 400, "kind"),
        new("classify: unknown severity", Post, T + "/classify", new { severity = "Extreme" }, 400, "severity"),
        new("sign-off: a body with an unknown field", Post, T + "/sign-off", new { signature = "王经理" }, 400, "signature"),

        // The phone switch, line faults, forbidden phrases and daily summaries
        new("calls: unknown project", Post, "/api/projects/" + Ghost + "/calls", new { callId = "c1", @event = "Ringing", at = ClockedGateway.Start }, 404, null),
        new("calls: unknown event", Post, P + "/calls", new { callId = "c1", @event = "Dropped", at = ClockedGateway.Start }, 400, "event"),
        new("calls: call id missing", Post, P + "/calls", new { @event = "Ringing", at = ClockedGateway.Start }, 400, "callId"),
        new("calls: time three days ago", Post, P + "/calls", new { callId = "c1", @event = "Ringing", at = ClockedGateway.Start.AddDays(-3) }, 400, "at"),
        new("calls: time without an offset", Post, P + "/calls", new { callId = "c1", @event = "Ringing", at = WithoutOffset(ClockedGateway.Start) }, 400, "at"),
        new("calls: time as a number", Post, P + "/calls", new { callId = "c1", @event = "Ringing", at = 1772409600 }, 400, "at"),
        new("faults: start without an offset", Post, P + "/faults", new { cause = "线路中断", start = WithoutOffset(ClockedGateway.Start.AddHours(-1)) }, 400, "start"),
        new("faults: cause blank", Post, P + "/faults", new { cause = "", start = ClockedGateway.Start.AddHours(-1) }, 400, "cause"),
        new("faults: end before start", Post, P + "/faults", new { cause = "线路中断", start = ClockedGateway.Start.AddHours(-1), end = ClockedGateway.Start.AddHours(-2) }, 400, "end"),
        new("faults: start tomorrow", Post, P + "/faults", new { cause = "线路中断", start = ClockedGateway.Start.AddDays(1) }, 400, "start"),
        new("phrases: unknown project", Post, "/api/projects/" + Ghost + "/phrases/check", new { text = "您好" }, 404, null),
        new("phrases: text over 2000 characters", Post, P + "/phrases/check", new { text = new string('好', 2001) }, 400, "text"),
        new("phrases: text missing", Post, P + "/phrases/check", new { }, 400, "text"),
        new("daily summary: date missing", Get, P + "/summaries/daily", null, 400, "date"),
        new("daily summary: 30 February", Get, P + "/summaries/daily?date=2026-02-30", null, 400, "date"),
        new("daily summary: a day not summarised yet", Get, P + "/summaries/daily?date=2026-03-01", null, 404, null),

        // Agents
        new("agent PUT: id is not a slug", Put, "/api/agents/Agent_1001", AgentProfile(), 400, "agentId"),
        new("agent PUT: work number missing", Put, "/api/agents/" + Agent, AgentProfile(a => a.Remove("workNumber")), 400, "workNumber"),
        new("agent PUT: work number with a dash", Put, "/api/agents/" + Agent, AgentProfile(a => a["workNumber"] = "10-01"), 400, "workNumber"),
        new("agent PUT: no projects", Put, "/api/agents/" + Agent, AgentProfile(a => a["projects"] = Array.Empty<string>()), 400, "projects"),
        new("agent PUT: unknown project", Put, "/api/agents/" + Ghost, AgentProfile(a => a["projects"] = new[] { Project, Ghost }), 400, "projects[1]"),
        new("agent PUT: a department twice", Put, "/api/agents/" + Agent, AgentProfile(a => a["departments"] = new[] { "工程", "工程" }), 400, "departments[1]"),
        new("agent GET: unknown agent", Get, "/api/agents/" + Ghost, null, 404, null),
        new("presence: unknown agent", Put, "/api/agents/" + Ghost + "/presence", new { presence = "Available" }, 404, null),
        new("presence: unknown presence", Put, "/api/agents/" + Agent + "/presence", new { presence = "Lunch" }, 400, "presence"),
        new("presence: presence as an integer", Put, "/api/agents/" + Agent + "/presence", new { presence = 4 }, 400, "presence"),
        new("presence: presence missing", Put, "/api/agents/" + Agent + "/presence", new { }, 400, "presence"),
        new("presence: text/plain body", Put, "/api/agents/" + Agent + "/presence", "Break", 415, null) { ContentType = "text/plain" },
        new("delegate: unknown agent", Put, "/api/agents/" + Ghost + "/delegate", new { @delegate = OtherAgent }, 404, null),
        new("delegate: unregistered delegate", Put, "/api/agents/" + Agent + "/delegate", new { @delegate = Ghost }, 400, "delegate"),
        new("delegate: the agent themself", Put, "/api/agents/" + Agent + "/delegate", new { @delegate = Agent }, 400, "delegate"),
        new("delegate: delegate is not a slug", Put, "/api/agents/" + Agent + "/delegate", new { @delegate = "A 1002" }, 400, "delegate"),

        // Customers
        new("customer PUT: id is not a slug", Put, "/api/customers/C_Wang", CustomerProfile(), 400, "customerId"),
        new("customer PUT: unknown project", Put, "/api/customers/" + Customer, CustomerProfile(c => c["projectId"] = Ghost), 400, "projectId"),
        new("customer PUT: no phones", Put, "/api/customers/" + Customer, CustomerProfile(c => c["phones"] = Array.Empty<string>()), 400, "phones"),
        new("customer PUT: phone with letters", Put, "/api/customers/" + Customer, CustomerProfile(c => c["phones"] = new[] { "138abc45678" }), 400, "phones[0]"),
        new("customer PUT: unknown honorific", Put, "/api/customers/" + Customer, CustomerProfile(c => c["honorific"] = "Dr"), 400, "honorific"),
        new("customer PUT: unknown tier", Put, "/api/customers/" + Customer, CustomerProfile(c => c["tier"] = "D"), 400, "tier"),
        new("customer PUT: surname over 32 characters", Put, "/api/customers/" + Customer, CustomerProfile(c => c["surname"] = new string('王', 33)), 400, "surname"),
        new("customer PUT: surname missing", Put, "/api/customers/" + Ghost, CustomerProfile(c => c.Remove("surname")), 400, "surname"),
        new("customer GET: unknown customer", Get, "/api/customers/" + Ghost, null, 404, null),
        new("customer GET: id is not a slug", Get, "/api/customers/C_Wang", null, 400, "customerId"),
        new("customer directory: unknown project", Get, "/api/projects/" + Ghost + "/customers", null, 404, null),
        new("customer directory: phone is words", Get, P + "/customers?phone=call%20me", null, 400, "phone"),
    ];

    public static TheoryData<string> Names => [.. Cases.Select(c => c.Name)];

    [Fact]
    public void The_cases_cover_at_least_fifty_kinds_of_bad_input_each_named_once()
    {
        Assert.True(Cases.Count >= 50, $"{Cases.Count} cases");
        Assert.Equal(Cases.Count, Cases.Select(c => c.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Bad_input_is_refused_with_the_exact_problem_and_changes_nothing(string @case)
    {
        var bad = Cases.Single(c => c.Name == @case);
        var before = await gateway.Snapshot();

        using var response = await gateway.Send(bad);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == bad.Status, $"{(int)response.StatusCode} instead of {bad.Status}: {text}");
        try
        {
            AssertProblem(bad, response, text);
        }
        catch (Exception failed) when (failed is Xunit.Sdk.XunitException or InvalidOperationException or KeyNotFoundException or JsonException)
        {
            throw new Xunit.Sdk.XunitException($"{failed.Message}{Environment.NewLine}The answer: {response.Content.Headers.ContentType} {text}");
        }

        var after = await gateway.Snapshot();
        Assert.Equal(before.Count, after.Count);
        for (var i = 0; i < before.Count; i++)
        {
            Assert.Equal(before[i], after[i]);
        }

        Assert.Equal(gateway.TicketETag, (await gateway.Api.Ticket(gateway.TicketId)).GetProperty("eTag").GetString());
    }

    private void AssertProblem(BadRequest bad, HttpResponseMessage response, string text)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(bad.Status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.Equal(problem.EnumerateObject().Count(), problem.EnumerateObject().Select(m => m.Name).Distinct().Count());
        Assert.DoesNotContain("HotlineGrains.", text, StringComparison.Ordinal); // no internal type names
        if (bad.Status == 400)
        {
            // A 400 names the field: in "field", and as the one key of "errors".
            Assert.NotNull(bad.Field);
            Assert.Equal(bad.Field, problem.GetProperty("field").GetString());
            Assert.Equal([bad.Field], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
            Assert.All(problem.GetProperty("errors").GetProperty(bad.Field).EnumerateArray(), m => Assert.False(string.IsNullOrWhiteSpace(m.GetString())));
        }
        else if (bad.Field is not null)
        {
            Assert.Equal(bad.Field, problem.GetProperty("field").GetString());
        }

        if (bad.AllowedSteps is not null)
        {
            Assert.Equal(bad.AllowedSteps, problem.GetProperty("allowedSteps").EnumerateArray().Select(s => s.GetString()));
            Assert.Equal("Received", problem.GetProperty("ticketStatus").GetString());
            Assert.Equal(bad.Path[(bad.Path.LastIndexOf('/') + 1)..], problem.GetProperty("step").GetString());
        }

        if (bad.Status == 412)
        {
            Assert.Equal(gateway.TicketETag, problem.GetProperty("currentETag").GetString());
        }
    }
}

/// <summary>What the strict reading of bodies must still let through.</summary>
public sealed class OptionalFieldsTests() : ClockedGateway("Sqlite")
{
    [Fact]
    public async Task A_reassignment_naming_only_the_department_needs_no_agent_field()
    {
        var ticket = await Api.Intake("weibang-plaza", HotlineApi.Complaint(c => c["department"] = "工程部"));

        ticket = await Api.Step(ticket, "reassign", new { department = "秩序部", reason = "属于门岗管理" }, user: "supervisor-1");

        Assert.Equal(("秩序部", "agent-1001"), (ticket.GetProperty("department").GetString(), ticket.GetProperty("agent").GetString()));
        var entry = ticket.GetProperty("timeline").EnumerateArray().Last();
        Assert.Equal(("Reassigned", "agent-1001/工程部 → agent-1001/秩序部: 属于门岗管理"), (entry.GetProperty("what").GetString(), entry.GetProperty("detail").GetString()));
    }
}
