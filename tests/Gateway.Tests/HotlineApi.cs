using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HotlineGrains.Testing;

namespace HotlineGrains.Gateway.Tests;

/// <summary>
/// The REST API as an agent console or an integration calls it: JSON in and out, a bearer token
/// for the user named (from <paramref name="tokenFor"/>), and each step sent with the
/// <c>If-Match</c> of the ticket last seen.
/// </summary>
public sealed class HotlineApi(HttpClient client, Func<string, string> tokenFor)
{
    public HttpClient Client { get; } = client;

    /// <summary>A complaint on the intake form with every field filled; <paramref name="change"/> edits it.</summary>
    public static Dictionary<string, object?> Complaint(Action<Dictionary<string, object?>>? change = null) =>
        SampleIntake.Complaint(change: change);

    public async Task<JsonElement> Intake(string projectId, object intake, string? idempotencyKey = null, string user = "agent-1001")
    {
        using var response = await Send(HttpMethod.Post, $"/api/projects/{projectId}/tickets", intake, user, idempotencyKey: idempotencyKey);
        return await Expect(response, HttpStatusCode.Created);
    }

    public async Task<JsonElement> Ticket(string ticketId)
    {
        using var response = await Client.GetAsync($"/api/tickets/{ticketId}");
        return await Expect(response, HttpStatusCode.OK);
    }

    /// <summary>Performs <paramref name="step"/> on the ticket as last seen (its ETag); returns the ticket after it.</summary>
    public async Task<JsonElement> Step(JsonElement ticket, string step, object? body = null, string user = "agent-1001")
    {
        using var response = await Send(HttpMethod.Post, $"/api/tickets/{Id(ticket)}/{step}", body, user, ticket.GetProperty("eTag").GetString());
        return await Expect(response, HttpStatusCode.OK);
    }

    public async Task<HttpResponseMessage> Send(HttpMethod method, string path, object? body, string user = "agent-1001", string? ifMatch = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = body is string raw
                ? new StringContent(raw, Encoding.UTF8, "application/json")
                : JsonContent.Create(body);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokenFor(user));
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await Client.SendAsync(request);
    }

    public async Task<JsonElement> Put(string path, object body, string user = "admin-1")
    {
        using var response = await Send(HttpMethod.Put, path, body, user);
        return await Expect(response, HttpStatusCode.OK);
    }

    public async Task<JsonElement> Get(string path)
    {
        using var response = await Client.GetAsync(path);
        return await Expect(response, HttpStatusCode.OK);
    }

    public static string Id(JsonElement ticket) => ticket.GetProperty("id").GetString()!;

    public static string Status(JsonElement ticket) => ticket.GetProperty("status").GetString()!;

    /// <summary>The clock named <paramref name="clock"/> (FirstReply, Target, Deadline) on a ticket.</summary>
    public static JsonElement Clock(JsonElement ticket, string clock) =>
        ticket.GetProperty("sla").EnumerateArray().Single(c => c.GetProperty("clock").GetString() == clock);

    public static DateTimeOffset DueAt(JsonElement ticket, string clock) => Clock(ticket, clock).GetProperty("dueAt").GetDateTimeOffset();

    public static string ClockState(JsonElement ticket, string clock) => Clock(ticket, clock).GetProperty("state").GetString()!;

    private static async Task<JsonElement> Expect(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} instead of {(int)expected}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
