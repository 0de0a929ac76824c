using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HotlineGrains.Testing;

namespace HotlineGrains.Floor.Tests;

/// <summary>
/// The REST API beside the browser, as another user at another desk: records tickets, takes steps
/// with If-Match, and reads back what the pages did. Tokens are the demo users', fetched once each.
/// </summary>
public sealed class FloorApi(FloorGateway gateway) : IDisposable
{
    private readonly HttpClient client = new() { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(10) };
    private readonly Dictionary<string, string> tokens = new(StringComparer.Ordinal);

    public async Task<string> TokenAsync(string user)
    {
        if (!tokens.TryGetValue(user, out var token))
        {
            token = await gateway.TokenAsync(user);
            tokens[user] = token;
        }

        return token;
    }

    /// <summary>A complaint recorded by <paramref name="agent"/> (the receiving agent, so the ticket is theirs).</summary>
    public async Task<JsonElement> RecordComplaintAsync(string projectId, string agent, string content)
    {
        var intake = SampleIntake.Complaint(agent, content);
        var (status, _, body) = await SendAsync(HttpMethod.Post, $"/api/projects/{projectId}/tickets", agent, intake);
        Assert.True(status == HttpStatusCode.Created, $"intake answered {(int)status}: {body}");
        return body;
    }

    /// <summary>The ticket as <paramref name="user"/> reads it, with its ETag.</summary>
    public async Task<(JsonElement Ticket, string ETag)> TicketAsync(string ticketId, string user)
    {
        var (status, etag, body) = await SendAsync(HttpMethod.Get, $"/api/tickets/{ticketId}", user);
        Assert.True(status == HttpStatusCode.OK, $"GET ticket answered {(int)status}: {body}");
        return (body, etag!);
    }

    public async Task<JsonElement> GetAsync(string path, string user)
    {
        var (status, _, body) = await SendAsync(HttpMethod.Get, path, user);
        Assert.True(status == HttpStatusCode.OK, $"GET {path} answered {(int)status}: {body}");
        return body;
    }

    /// <summary>A workflow step on the ticket as last seen (<paramref name="ifMatch"/>).</summary>
    public async Task<JsonElement> StepAsync(string ticketId, string step, object body, string user, string ifMatch)
    {
        var (status, _, answer) = await SendAsync(HttpMethod.Post, $"/api/tickets/{ticketId}/{step}", user, body, ifMatch);
        Assert.True(status == HttpStatusCode.OK, $"{step} answered {(int)status}: {answer}");
        return answer;
    }

    public async Task<(HttpStatusCode Status, string? ETag, JsonElement Body)> SendAsync(
        HttpMethod method, string path, string user, object? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(user));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, response.Headers.ETag?.ToString(), json);
    }

    /// <summary>The project's open tickets as the register holds them: what its board shows.</summary>
    public async Task<IReadOnlyList<JsonElement>> OpenTicketsAsync(string projectId, string user)
    {
        var register = await GetAsync($"/api/projects/{projectId}/tickets?pageSize=200", user);
        return [.. register.GetProperty("items").EnumerateArray().Where(t => t.GetProperty("status").GetString() is not ("Closed" or "Pending"))];
    }

    public void Dispose() => client.Dispose();
}
