using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HotlineGrains.Testing;

namespace HotlineGrains.Gateway.Tests;

/// <summary>
/// One gateway, its clock stopped at <see cref="ClockedGateway.Start"/>, holding a little of everything
/// a bad request could touch: two agents, a customer in each of two projects, and an open complaint
/// of the first customer taken by the first agent. <see cref="Snapshot"/> reads all of it back, so a
/// test can tell that a refused request changed nothing.
/// </summary>
public sealed partial class BadInputGateway : IAsyncLifetime
{
    public const string Project = "weibang-plaza";
    public const string OtherProject = "weibang-olympic-garden";
    public const string Agent = "a-1001";
    public const string OtherAgent = "a-1002";
    public const string Customer = "c-wang";
    public const string OtherProjectCustomer = "c-li";

    /// <summary>A slug nothing is ever registered under: a refused create must not bring it to life.</summary>
    public const string Ghost = "ghost-1";

    private GatewayFactory? factory;

    public ManualClock Clock { get; } = new(ClockedGateway.Start);

    public HotlineApi Api { get; private set; } = null!;

    /// <summary>The open complaint (status Received).</summary>
    public string TicketId { get; private set; } = null!;

    public string TicketETag { get; private set; } = null!;

    public static Dictionary<string, object?> AgentProfile(Action<Dictionary<string, object?>>? change = null) =>
        Edit(new() { ["workNumber"] = "1001", ["name"] = "张敏", ["projects"] = new[] { Project }, ["departments"] = new[] { "工程" } }, change);

    public static Dictionary<string, object?> CustomerProfile(Action<Dictionary<string, object?>>? change = null) =>
        Edit(new()
        {
            ["surname"] = "王", ["fullName"] = "王建国", ["honorific"] = "Mr", ["unitNumber"] = "3-2-1201",
            ["phones"] = new[] { "13812345678" }, ["projectId"] = Project, ["tier"] = "B",
        }, change);

    public static Dictionary<string, object?> ProjectSettings(Action<Dictionary<string, object?>>? change = null) =>
        Edit(new() { ["name"] = "维邦广场", ["greeting"] = "您好,这里是维邦物业维邦广场项目客服中心,为您服务", ["ticketPrefix"] = "GC" }, change);

    public static Dictionary<string, object?> Edit(Dictionary<string, object?> body, Action<Dictionary<string, object?>>? change)
    {
        change?.Invoke(body);
        return body;
    }

    public async Task InitializeAsync()
    {
        factory = new GatewayFactory { Clock = Clock };
        // Every case reads the register and the directory before and after, far beyond a person's pace.
        factory.Settings["Limits:ReadsPerMinute"] = "1000000";
        await ((IAsyncLifetime)factory).InitializeAsync();
        Api = new HotlineApi(factory.CreateClient(), user => factory.TokenFor(user));

        await Api.Put($"/api/agents/{Agent}", AgentProfile());
        await Api.Put($"/api/agents/{OtherAgent}", AgentProfile(a => (a["workNumber"], a["name"]) = ("1002", "李强")));
        await Api.Put($"/api/agents/{Agent}/presence", new { presence = "Available" });
        await Api.Put($"/api/customers/{Customer}", CustomerProfile());
        await Api.Put($"/api/customers/{OtherProjectCustomer}", CustomerProfile(c =>
            (c["surname"], c["fullName"], c["projectId"], c["phones"]) = ("李", "李娜", OtherProject, new[] { "13900001111" })));

        var ticket = await Api.Intake(Project, HotlineApi.Complaint(c => (c["receivingAgent"], c["customerId"]) = (Agent, Customer)));
        TicketId = HotlineApi.Id(ticket);
        TicketETag = ticket.GetProperty("eTag").GetString()!;

        // Grain-to-grain messages: the agent's open list and the customer's history follow the ticket.
        await Eventually.Until(async () => (await Api.Get($"/api/agents/{Agent}")).GetProperty("openTickets").GetArrayLength() == 1,
            "the agent tracks the ticket");
        await Eventually.Until(async () => (await Api.Get($"/api/customers/{Customer}")).GetProperty("tickets").GetArrayLength() == 1,
            "the customer's history holds the ticket");
        await Eventually.Until(async () => (await Api.Get($"/api/projects/{Project}/customers")).EnumerateArray().Sum(c => c.GetProperty("tickets").GetInt32()) == 1,
            "the customer directory counts the ticket");
    }

    public async Task DisposeAsync()
    {
        Api?.Client.Dispose();
        if (factory is not null)
        {
            await ((IAsyncLifetime)factory).DisposeAsync();
        }
    }

    /// <summary>A token for <paramref name="user"/> with one role in <paramref name="project"/>; a department user answers for 工程部.</summary>
    public string Token(string user, string role, string project = Project, TimeSpan? lifetime = null) =>
        factory!.TokenFor(user, [role], [project], role == Gateway.Security.Roles.Department ? ["工程部"] : [], lifetime ?? TimeSpan.FromHours(1));

    /// <summary>Everything a request could have changed, read back: status, ETag and body of each.</summary>
    public async Task<IReadOnlyList<string>> Snapshot()
    {
        string[] paths =
        [
            "/api/projects",
            $"/api/projects/{Project}",
            $"/api/projects/{OtherProject}",
            $"/api/projects/{Ghost}",
            $"/api/tickets/{TicketId}",
            $"/api/tickets/{TicketId}/handling-form",
            $"/api/projects/{Project}/tickets?pageSize=200",
            $"/api/projects/{OtherProject}/tickets?pageSize=200",
            $"/api/projects/{Project}/faults",
            $"/api/projects/{Project}/agents",
            $"/api/agents/{Agent}",
            $"/api/agents/{OtherAgent}",
            $"/api/agents/{Ghost}",
            $"/api/customers/{Customer}",
            $"/api/customers/{OtherProjectCustomer}",
            $"/api/customers/{Ghost}",
            $"/api/projects/{Project}/customers",
        ];
        var states = new List<string>(paths.Length);
        foreach (var path in paths)
        {
            using var response = await Api.Client.GetAsync(path);
            // A problem's trace id differs from request to request; the rest must not.
            var body = TraceId().Replace(await response.Content.ReadAsStringAsync(), string.Empty);
            states.Add($"GET {path} → {(int)response.StatusCode} {response.Headers.ETag} {body}");
        }

        return states;
    }

    /// <summary>Sends a request exactly as <paramref name="bad"/> describes it, with the fixture's ticket in place of <c>{ticket}</c>.</summary>
    public async Task<HttpResponseMessage> Send(BadRequest bad)
    {
        using var request = new HttpRequestMessage(bad.Method, bad.Path.Replace("{ticket}", TicketId, StringComparison.Ordinal));
        if (bad.Body is not null)
        {
            var bytes = bad.Body switch
            {
                byte[] raw => raw,
                string text => Encoding.UTF8.GetBytes(text),
                var value => JsonSerializer.SerializeToUtf8Bytes(value),
            };
            request.Content = new ByteArrayContent(bytes);
            if (bad.ContentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(bad.ContentType);
            }
        }

        foreach (var (name, value) in bad.Headers)
        {
            Assert.True(request.Headers.TryAddWithoutValidation(name, value.Replace("{etag}", TicketETag, StringComparison.Ordinal)), name);
        }

        return await Api.Client.SendAsync(request);
    }

    [System.Text.RegularExpressions.GeneratedRegex("\"traceId\":\"[^\"]*\"")]
    private static partial System.Text.RegularExpressions.Regex TraceId();
}

/// <summary>
/// A request the API must refuse. <see cref="Body"/> is sent as is when it is a string or bytes and
/// as JSON otherwise; <see cref="Field"/> is what the problem must name.
/// </summary>
public sealed record BadRequest(string Name, HttpMethod Method, string Path, object? Body, int Status, string? Field)
{
    public string? ContentType { get; init; } = "application/json";

    public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];

    /// <summary>For a 409: the steps the ticket's status allows, in order.</summary>
    public IReadOnlyList<string>? AllowedSteps { get; init; }
}
