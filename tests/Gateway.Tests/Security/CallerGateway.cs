using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HotlineGrains.Gateway.Security;

namespace HotlineGrains.Gateway.Tests.Security;

/// <summary>
/// A gateway of a test's own, called with whichever token the test names: the security tests act
/// as particular people (an agent, a department, the wall display) rather than as the all-roles tester.
/// </summary>
public abstract class CallerGateway : IAsyncLifetime
{
    protected const string Plaza = "weibang-plaza";
    protected const string Jining = "jining-shiji-jiayuan";

    protected GatewayFactory Factory { get; } = new();

    protected HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Configure(Factory);
        await ((IAsyncLifetime)Factory).InitializeAsync();
        Client = Factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await ((IAsyncLifetime)Factory).DisposeAsync();
    }

    /// <summary>Settings of a test class's own, before the gateway starts.</summary>
    protected virtual void Configure(GatewayFactory gateway)
    {
    }

    /// <summary>A token for <paramref name="user"/> in <paramref name="project"/>; a department user answers for 工程部.</summary>
    protected string Token(string user, string role, string project = Plaza) =>
        Factory.TokenFor(user, [role], [project], role == Roles.Department ? ["工程部"] : [], TimeSpan.FromHours(1));

    /// <summary>The audit trail as an admin of every project reads it, newest first.</summary>
    protected async Task<JsonElement[]> Audit(string query)
    {
        // Each entry is written before its request is answered, so the trail is complete at once.
        using var response = await Raw(HttpMethod.Get, "/api/audit?" + query, Token("admin", Roles.Admin, HotlineClaims.AllProjects));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray()];
    }

    /// <summary>A call that must succeed; its JSON answer.</summary>
    protected async Task<JsonElement> Send(HttpMethod method, string path, string token, object? body = null, string? ifMatch = null)
    {
        using var response = await Raw(method, path, token, body, ifMatch);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text.Length > 0 ? text : "{}").RootElement.Clone();
    }

    protected async Task<HttpStatusCode> Status(HttpMethod method, string path, string token, object? body = null)
    {
        using var response = await Raw(method, path, token, body);
        return response.StatusCode;
    }

    protected async Task<HttpResponseMessage> Raw(HttpMethod method, string path, string token, object? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>A step on the ticket as it is now: its version read just before, as a client does.</summary>
    protected async Task<HttpResponseMessage> Step(string ticketId, string step, string token, object? body)
    {
        var current = await Send(HttpMethod.Get, $"/api/tickets/{ticketId}", Token("admin", Roles.Admin, HotlineClaims.AllProjects));
        return await Raw(HttpMethod.Post, $"/api/tickets/{ticketId}/{step}", token, body, current.GetProperty("eTag").GetString());
    }
}
