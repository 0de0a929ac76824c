using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Testing;

namespace HotlineGrains.Gateway.Tests.Security;

/// <summary>The audit trail (SPEC §8), per-caller rate limits and closed CORS.</summary>
public sealed class AuditAndLimitsTests : CallerGateway
{
    protected override void Configure(GatewayFactory gateway)
    {
        gateway.Settings["Limits:IntakePerMinute"] = "3";
        gateway.Settings["Limits:ReadsPerMinute"] = "3";
    }

    [Fact]
    public async Task Reads_and_changes_of_a_ticket_are_in_the_trail_with_who_what_and_from_where()
    {
        var ticket = await Send(HttpMethod.Post, $"/api/projects/{Plaza}/tickets", Token("agent-gc-1", Roles.Agent, Plaza), SampleIntake.Complaint("agent-gc-1"));
        var id = ticket.GetProperty("id").GetString()!;
        var read = await Send(HttpMethod.Get, $"/api/tickets/{id}", Token("agent-gc-2", Roles.Agent, Plaza));
        await Send(HttpMethod.Post, $"/api/tickets/{id}/forward", Token("agent-gc-2", Roles.Agent, Plaza), new { department = "工程部" },
            ifMatch: read.GetProperty("eTag").GetString());
        using (var form = await Raw(HttpMethod.Get, $"/api/tickets/{id}/handling-form", Token("pm-gc", Roles.ProjectManager, Plaza)))
        {
            Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        }

        var trail = await Audit($"ticketId={id}");

        Assert.Equal(
            [("pm-gc", "read:handling-form", "ok"), ("agent-gc-2", "change:forward", "ok"), ("agent-gc-2", "read", "ok"), ("agent-gc-1", "change:create", "ok")],
            trail.Select(e => (e.GetProperty("user").GetString(), e.GetProperty("action").GetString(), e.GetProperty("outcome").GetString())));
        Assert.All(trail, e =>
        {
            Assert.Equal(("ticket", id, Plaza), (e.GetProperty("resourceType").GetString(), e.GetProperty("resourceId").GetString(), e.GetProperty("projectId").GetString()));
            Assert.Equal("127.0.0.1", e.GetProperty("from").GetString());
        });
    }

    [Fact]
    public async Task A_read_from_another_project_answers_404_like_a_missing_ticket_and_is_in_the_trail()
    {
        var ticket = await Send(HttpMethod.Post, $"/api/projects/{Plaza}/tickets", Token("agent-gc-1", Roles.Agent, Plaza), SampleIntake.Complaint("agent-gc-1"));
        var id = ticket.GetProperty("id").GetString()!;
        var outsider = Token("agent-sj-1", Roles.Agent, Jining);

        using var theirs = await Raw(HttpMethod.Get, $"/api/tickets/{id}", outsider);
        using var missing = await Raw(HttpMethod.Get, "/api/tickets/ffffffffffffffffffffffffffffffff", outsider);

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (theirs.StatusCode, missing.StatusCode));
        Assert.Equal(
            (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString(),
            (await theirs.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        var attempt = Assert.Single(await Audit("user=agent-sj-1&ticketId=" + id));
        Assert.Equal(("read", "not-found", Plaza), (attempt.GetProperty("action").GetString(), attempt.GetProperty("outcome").GetString(), attempt.GetProperty("projectId").GetString()));
    }

    [Fact]
    public async Task Customer_reads_and_changes_are_in_the_trail_by_customer_and_by_user()
    {
        var supervisor = Token("supervisor-gc", Roles.Supervisor, Plaza);
        await Send(HttpMethod.Put, "/api/customers/customer-audit", supervisor, new
        {
            surname = "钱", honorific = "Ms", unitNumber = "2-1-301", phones = new[] { "13700001111" }, projectId = Plaza, tier = "A",
        });
        await Send(HttpMethod.Get, "/api/customers/customer-audit", Token("agent-gc-1", Roles.Agent, Plaza));
        using var denied = await Raw(HttpMethod.Get, "/api/customers/customer-audit", Token("wallboard", Roles.Display, HotlineClaims.AllProjects));
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);

        var byCustomer = await Audit("customerId=customer-audit");
        var byUser = await Audit("user=supervisor-gc");

        Assert.Equal([("wallboard", "read", "denied"), ("agent-gc-1", "read", "ok"), ("supervisor-gc", "change", "ok")],
            byCustomer.Select(e => (e.GetProperty("user").GetString(), e.GetProperty("action").GetString(), e.GetProperty("outcome").GetString())));
        Assert.Equal(("customer", "customer-audit", Plaza), (byUser[0].GetProperty("resourceType").GetString(), byUser[0].GetProperty("resourceId").GetString(), byUser[0].GetProperty("projectId").GetString()));
    }

    [Fact]
    public async Task Intake_beyond_the_callers_limit_per_minute_is_refused_with_429_and_other_callers_go_on()
    {
        var busy = Token("agent-gc-1", Roles.Agent, Plaza);
        for (var i = 0; i < 3; i++)
        {
            await Send(HttpMethod.Post, $"/api/projects/{Plaza}/tickets", busy, SampleIntake.Complaint("agent-gc-1"));
        }

        using var refused = await Raw(HttpMethod.Post, $"/api/projects/{Plaza}/tickets", busy, SampleIntake.Complaint("agent-gc-1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(refused.Headers.RetryAfter is not null);

        await Send(HttpMethod.Post, $"/api/projects/{Plaza}/tickets", Token("agent-gc-2", Roles.Agent, Plaza), SampleIntake.Complaint("agent-gc-2"));
    }

    [Theory]
    [InlineData("/api/projects/" + Plaza + "/tickets")]
    [InlineData("/api/projects/" + Plaza + "/register.csv")]
    [InlineData("/api/projects/" + Plaza + "/customers")]
    [InlineData("/api/audit?projectId=" + Plaza)]
    public async Task Bulk_reads_beyond_the_callers_limit_per_minute_are_refused_with_429_and_other_callers_go_on(string path)
    {
        var scraper = Token("scraper", Roles.Admin, Plaza);
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await Raw(HttpMethod.Get, path, scraper);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var refused = await Raw(HttpMethod.Get, path, scraper);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        using var other = await Raw(HttpMethod.Get, path, Token("supervisor-gc", Roles.Admin, Plaza));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task A_browser_page_from_another_origin_gets_no_CORS_permission_by_default()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/projects");
        preflight.Headers.Add("Origin", "https://evil.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        using var response = await Client.SendAsync(preflight);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}

/// <summary>CORS opened for a configured origin only.</summary>
public sealed class ConfiguredCorsTests : IAsyncLifetime
{
    private readonly GatewayFactory factory = new();

    public async Task InitializeAsync()
    {
        factory.Settings["Cors:AllowedOrigins:0"] = "https://crm.example.com";
        await ((IAsyncLifetime)factory).InitializeAsync();
    }

    public Task DisposeAsync() => ((IAsyncLifetime)factory).DisposeAsync();

    [Theory]
    [InlineData("https://crm.example.com", true)]
    [InlineData("https://evil.example.com", false)]
    public async Task Only_a_configured_origin_is_allowed(string origin, bool allowed)
    {
        using var client = factory.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/projects");
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        using var response = await client.SendAsync(preflight);

        Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.Single() == origin);
    }
}
