using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Testing;
using static HotlineGrains.Gateway.Tests.BadInputGateway;

namespace HotlineGrains.Gateway.Tests.Security;

/// <summary>
/// Requests an attacker or a careless integrator sends: forged and foreign tokens, other projects'
/// ids, spoofed actors, reused idempotency keys, injection strings, oversized and malformed bodies.
/// Each is refused with a problem, never a 5xx, changes nothing, and a refused request on a ticket or
/// a customer leaves exactly one entry in the audit trail saying who tried what and how it ended.
/// </summary>
public sealed class HostileRequestTests(BadInputGateway gateway) : IClassFixture<BadInputGateway>
{
    private const string Intruder = "intruder";
    private const string AnyIdempotencyKey = "hostile-reused-key";

    private static readonly HttpMethod Get = HttpMethod.Get;
    private static readonly HttpMethod Post = HttpMethod.Post;
    private static readonly HttpMethod Put = HttpMethod.Put;

    /// <summary>How the request's token is made.</summary>
    public enum Credentials
    {
        /// <summary>An agent of the fixture's project.</summary>
        Agent,

        /// <summary>A supervisor of another project.</summary>
        OtherProjectsSupervisor,

        /// <summary>An agent's token with its signature's tail changed.</summary>
        TamperedSignature,

        /// <summary>An admin token signed with a key the gateway does not trust.</summary>
        ForeignKey,

        /// <summary>An admin token whose header says it needs no signature.</summary>
        UnsignedAlgNone,

        /// <summary>An agent token that ran out five minutes ago.</summary>
        Expired,
    }

    /// <param name="Audit">The trail entry the refusal must leave: resource type, id (<c>{ticket}</c> for the fixture's), action and outcome; none where the resource is not audited.</param>
    public sealed record Hostile(string Name, Credentials Caller, HttpMethod Method, string Path, object? Body, int Status, (string Type, string Id, string Action, string Outcome)? Audit)
    {
        public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];

        public string? ContentType { get; init; } = "application/json";
    }

    private static readonly IReadOnlyList<Hostile> Cases =
    [
        // Forged tokens: nobody is let in, and the trail names no one.
        new("a token with a tampered signature reads the ticket", Credentials.TamperedSignature, Get, "/api/tickets/{ticket}", null, 401,
            ("ticket", "{ticket}", "read", "unauthenticated")),
        new("an admin token signed with another key forwards the ticket", Credentials.ForeignKey, Post, "/api/tickets/{ticket}/forward", new { department = "工程部" }, 401,
            ("ticket", "{ticket}", "change:forward", "unauthenticated")) { Headers = [("If-Match", "{etag}")] },
        new("an unsigned alg-none admin token reads a customer", Credentials.UnsignedAlgNone, Get, "/api/customers/" + Customer, null, 401,
            ("customer", Customer, "read", "unauthenticated")),
        new("an expired token changes a customer", Credentials.Expired, Put, "/api/customers/" + Customer, CustomerProfile(c => c["tier"] = "A"), 401,
            ("customer", Customer, "change", "unauthenticated")),
        new("an unsigned alg-none admin token reads the audit trail", Credentials.UnsignedAlgNone, Get, "/api/audit?projectId=" + Project, null, 401, null),

        // Other projects' ids: outside one's projects nothing exists.
        new("another project's supervisor reads the ticket", Credentials.OtherProjectsSupervisor, Get, "/api/tickets/{ticket}", null, 404,
            ("ticket", "{ticket}", "read", "not-found")),
        new("another project's supervisor escalates the ticket", Credentials.OtherProjectsSupervisor, Post, "/api/tickets/{ticket}/escalate",
            new { severity = "Major", reason = "越权" }, 404, ("ticket", "{ticket}", "change:escalate", "not-found")) { Headers = [("If-Match", "{etag}")] },
        new("an agent reads another project's customer", Credentials.Agent, Get, "/api/customers/" + OtherProjectCustomer, null, 404,
            ("customer", OtherProjectCustomer, "read", "not-found")),
        new("an agent records a ticket for another project's customer", Credentials.Agent, Post, $"/api/projects/{Project}/tickets",
            HotlineApi.Complaint(c => (c["receivingAgent"], c["customerId"]) = (Agent, OtherProjectCustomer)), 400, ("ticket", string.Empty, "change:create", "refused:400")),
        new("another project's supervisor lists the register", Credentials.OtherProjectsSupervisor, Get, $"/api/projects/{Project}/tickets", null, 404,
            ("register", Project, "read", "not-found")),

        // Spoofed actors: the actor is the token's subject, never a body field.
        new("an agent records a ticket as received by the admin", Credentials.Agent, Post, $"/api/projects/{Project}/tickets",
            HotlineApi.Complaint(c => c["receivingAgent"] = "admin"), 400, ("ticket", string.Empty, "change:create", "refused:400")),
        new("a step names its own actor", Credentials.Agent, Post, "/api/tickets/{ticket}/reply",
            new { reply = "已安排师傅上门", actor = "admin" }, 400, ("ticket", "{ticket}", "change:reply", "refused:400")) { Headers = [("If-Match", "{etag}")] },
        new("an agent makes another agent's delegate", Credentials.Agent, Put, $"/api/agents/{OtherAgent}/delegate", new { @delegate = Intruder }, 403, null),

        // A reused idempotency key with another complaint is not a retry.
        new("an idempotency key reused with a different complaint", Credentials.Agent, Post, $"/api/projects/{Project}/tickets",
            HotlineApi.Complaint(c => (c["receivingAgent"], c["content"]) = (Agent, "另一件事:电梯停在12楼不动。")), 422, ("ticket", "{keyed}", "change:create", "refused:422"))
        {
            Headers = [("Idempotency-Key", AnyIdempotencyKey)],
        },

        // Injection strings land in no query and no log line unescaped: they are bad ids.
        new("a SQL injection as a ticket id", Credentials.Agent, Get, "/api/tickets/' OR '1'='1", null, 400, ("ticket", "' OR '1'='1", "read", "refused:400")),
        new("a path traversal as a customer id", Credentials.Agent, Get, "/api/customers/..%2F..%2Fetc%2Fpasswd", null, 400, null),
        new("a SQL injection as a register filter", Credentials.OtherProjectsSupervisor, Get, $"/api/projects/{OtherProject}/tickets?status=Received';DROP TABLE grain_state;--", null, 400,
            ("register", OtherProject, "read", "refused:400")),
        new("markup as a customer id", Credentials.Agent, Put, "/api/customers/<img src=x onerror=alert(1)>", CustomerProfile(), 400,
            ("customer", "<img src=x onerror=alert(1)>", "change", "refused:400")),

        // Oversized and malformed bodies.
        new("a two-megabyte reply", Credentials.Agent, Post, "/api/tickets/{ticket}/reply", new { reply = new string('回', 2 * 1024 * 1024) }, 413,
            ("ticket", "{ticket}", "change:reply", "refused:413")) { Headers = [("If-Match", "{etag}")] },
        new("a reply that is not JSON", Credentials.Agent, Post, "/api/tickets/{ticket}/reply", """{"reply": "未完""", 400,
            ("ticket", "{ticket}", "change:reply", "refused:400")) { Headers = [("If-Match", "{etag}")] },
        new("a customer as a thousand nested arrays", Credentials.Agent, Put, "/api/customers/" + Customer, new string('[', 1000) + new string(']', 1000), 400,
            ("customer", Customer, "change", "refused:400")),
    ];

    public static TheoryData<string> Names => [.. Cases.Select(c => c.Name)];

    [Fact]
    public void The_sweep_covers_every_kind_of_hostile_request_each_named_once()
    {
        Assert.Equal(Cases.Count, Cases.Select(c => c.Name).Distinct().Count());
        Assert.All(Enum.GetValues<Credentials>(), kind => Assert.Contains(Cases, c => c.Caller == kind));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_hostile_request_is_refused_with_a_problem_changes_nothing_and_is_in_the_audit_trail(string @case)
    {
        var hostile = Cases.Single(c => c.Name == @case);
        await KeyAlreadyUsed();
        var who = hostile.Caller switch
        {
            Credentials.Agent => Agent,
            Credentials.OtherProjectsSupervisor => Intruder,
            _ => "anonymous",
        };
        var entriesBefore = hostile.Audit is { } expected ? await Entries(expected, who) : 0;
        var before = await gateway.Snapshot();

        using var response = await Send(hostile);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == hostile.Status, $"{(int)response.StatusCode} instead of {hostile.Status}: {text}");
        if (hostile.Status != 401)
        {
            // A 401 is the bearer challenge alone; every other refusal explains itself as a problem.
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(hostile.Status, JsonDocument.Parse(text).RootElement.GetProperty("status").GetInt32());
        }

        Assert.Equal(before, await gateway.Snapshot());

        if (hostile.Audit is { } audit)
        {
            Assert.True(await Entries(audit, who) == entriesBefore + 1, $"no entry ({who}, {audit.Action}, {audit.Outcome}) for the {audit.Type} in the trail");
        }
    }

    /// <summary>The ticket whose idempotency key the reused-key case reuses: its refusal is in that ticket's trail.</summary>
    private string keyedTicket = string.Empty;

    /// <summary>The key the reused-key case reuses, taken once with the fixture's complaint.</summary>
    private async Task KeyAlreadyUsed()
    {
        using var request = new HttpRequestMessage(Post, $"/api/projects/{Project}/tickets")
        {
            Content = JsonContent(HotlineApi.Complaint(c => c["receivingAgent"] = Agent)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", gateway.Token(Agent, Roles.Agent));
        request.Headers.Add("Idempotency-Key", AnyIdempotencyKey);
        using var response = await gateway.Api.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        keyedTicket = JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    private string Resolve(string id) =>
        id.Replace("{ticket}", gateway.TicketId, StringComparison.Ordinal).Replace("{keyed}", keyedTicket, StringComparison.Ordinal);

    /// <summary>
    /// How many entries of the trail of one resource say <paramref name="who"/> tried the action with
    /// the outcome; a create has no id yet, so its trail is the project's tickets.
    /// </summary>
    private async Task<int> Entries((string Type, string Id, string Action, string Outcome) audit, string who)
    {
        var id = Resolve(audit.Id);
        var query = audit.Type switch
        {
            "ticket" when id.Length == 0 => $"projectId={Project}",
            "ticket" => "ticketId=" + Uri.EscapeDataString(id),
            "customer" => "customerId=" + Uri.EscapeDataString(id),
            _ => "projectId=" + Uri.EscapeDataString(id),
        };
        var count = 0;
        for (var page = 1; ; page++)
        {
            using var request = new HttpRequestMessage(Get, $"/api/audit?{query}&user={Uri.EscapeDataString(who)}&page={page}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", gateway.Token("auditor", Roles.Admin, HotlineClaims.AllProjects));
            using var response = await gateway.Api.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var items = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("items");
            count += items.EnumerateArray().Count(e => Text(e, "resourceType") == audit.Type && Text(e, "resourceId") == id
                && Text(e, "action") == audit.Action && Text(e, "outcome") == audit.Outcome);
            if (items.GetArrayLength() == 0)
            {
                return count;
            }
        }
    }

    private static string? Text(JsonElement entry, string name) => entry.GetProperty(name).GetString();

    private async Task<HttpResponseMessage> Send(Hostile hostile)
    {
        using var request = new HttpRequestMessage(hostile.Method, Resolve(hostile.Path));
        if (hostile.Body is not null)
        {
            request.Content = hostile.Body is string raw ? new StringContent(raw, Encoding.UTF8) : JsonContent(hostile.Body);
            request.Content.Headers.ContentType = hostile.ContentType is null ? null : new MediaTypeHeaderValue(hostile.ContentType);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TokenFor(hostile.Caller));
        foreach (var (name, value) in hostile.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value.Replace("{etag}", gateway.TicketETag, StringComparison.Ordinal));
        }

        return await gateway.Api.Client.SendAsync(request);
    }

    private string TokenFor(Credentials caller)
    {
        switch (caller)
        {
            case Credentials.Agent:
                return gateway.Token(Agent, Roles.Agent);
            case Credentials.OtherProjectsSupervisor:
                return gateway.Token(Intruder, Roles.Supervisor, OtherProject);
            case Credentials.Expired:
                return gateway.Token(Agent, Roles.Agent, lifetime: TimeSpan.FromMinutes(-5));
            case Credentials.TamperedSignature:
                var valid = gateway.Token(Agent, Roles.Agent);
                return valid[..^4] + (valid[^4..] == "AAAA" ? "BBBB" : "AAAA");
            case Credentials.ForeignKey:
                var foreign = Microsoft.Extensions.Options.Options.Create(new AuthOptions { SigningKey = "an-issuer-the-hotline-never-trusted-0123456789" });
                return new TokenIssuer(foreign, TimeProvider.System).Issue(Intruder, [Roles.Admin], [HotlineClaims.AllProjects], lifetime: TimeSpan.FromHours(1));
            default:
                // The admin's claims with "alg":"none" and no signature: a validator that trusted the header would let it in.
                var admin = gateway.Token(Intruder, Roles.Admin, HotlineClaims.AllProjects).Split('.');
                var header = Convert.ToBase64String("""{"alg":"none","typ":"JWT"}"""u8).TrimEnd('=').Replace('+', '-').Replace('/', '_');
                return $"{header}.{admin[1]}.";
        }
    }

    private static ByteArrayContent JsonContent(object body)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
