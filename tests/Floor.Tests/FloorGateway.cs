using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HotlineGrains.Testing;

namespace HotlineGrains.Floor.Tests;

/// <summary>
/// The gateway in a process of its own for a browser to reach, on the embedded default (SQLite in a
/// working directory of its own, in-memory bus, demo users), with or without the demo floor. It
/// can be stopped and started again on the same port and database, as a restart would.
/// </summary>
public sealed class FloorGateway : IAsyncDisposable
{
    public static readonly string[] DemoProjects = ["jining-shiji-jiayuan", "weibang-olympic-garden", "weibang-plaza"];

    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private readonly string directory = Directory.CreateTempSubdirectory("hotline-floor-").FullName;
    private readonly Dictionary<string, string?> settings;
    private readonly HttpClient client;
    private GatewayProcess process;

    private FloorGateway(bool demoFloor, bool demoMonth)
    {
        // The simulated switch stays off: the tests make the calls they count on. The demo month
        // (history for the reports) only where a test reads it: it closes hundreds of tickets meanwhile.
        settings = new Dictionary<string, string?>
        {
            ["Demo:Enabled"] = "true", ["Demo:Floor"] = demoFloor ? "true" : "false", ["Demo:CallSimulator"] = "false",
            ["Demo:Month"] = demoMonth ? "true" : "false",
        };
        process = GatewayProcess.Start(directory, settings);
        client = new HttpClient { BaseAddress = process.Address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri Address => process.Address;

    public string Output => process.Output;

    /// <summary>Starts the gateway and waits until the demo projects exist (their hub boards can be joined).</summary>
    public static async Task<FloorGateway> StartAsync(bool demoFloor, bool demoMonth = false)
    {
        var gateway = new FloorGateway(demoFloor, demoMonth);
        try
        {
            await gateway.WaitUntilReadyAsync();
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the process, as a crash or a restart would: connections drop at once.</summary>
    public Task StopAsync() => process.KillAsync();

    /// <summary>The same service again: same working directory (database) and port.</summary>
    public async Task StartAgainAsync()
    {
        var port = process.Address.Port;
        await process.DisposeAsync();
        process = GatewayProcess.Start(directory, settings, port);
        await WaitUntilReadyAsync();
    }

    public Task<string> TokenAsync(string user) => process.DemoTokenAsync(user);

    /// <summary>Register rows written straight into the gateway's database (see <see cref="OpenTicketSeed"/>).</summary>
    public Task SeedAsync(IReadOnlyList<Grains.Tickets.TicketRegisterRow> rows) =>
        OpenTicketSeed.InsertIntoSqliteAsync(Path.Combine(directory, "hotline.db"), rows);

    /// <summary>
    /// Records a complaint (<see cref="SampleIntake"/>) and returns it with the moment its
    /// answer arrived (<see cref="Stopwatch.GetTimestamp"/>), before the body is read.
    /// </summary>
    public async Task<(JsonElement Ticket, long AnsweredAt)> RecordComplaintAsync(string projectId, string agentToken, string content)
    {
        var intake = SampleIntake.Complaint("agent-gc-1", content);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/projects/{projectId}/tickets") { Content = JsonContent.Create(intake) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", agentToken);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var answeredAt = Stopwatch.GetTimestamp();
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"intake answered {(int)response.StatusCode}: {body}");
        return (JsonDocument.Parse(body).RootElement.Clone(), answeredAt);
    }

    /// <summary>A call event from the phone switch (Ringing, Answered, Ended, Abandoned).</summary>
    public async Task PostCallAsync(string projectId, string switchToken, string callId, string kind, DateTimeOffset at)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/projects/{projectId}/calls") { Content = JsonContent.Create(new { callId, @event = kind, at }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", switchToken);
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{kind} {callId} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<JsonElement> GetAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await process.DisposeAsync();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still closing: the temporary folder is left to the system.
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        await process.WaitUntilServingAsync("/readyz", StartDeadline);
        var token = await TokenAsync("admin");
        await Eventually.Until(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/projects");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            var projects = await response.Content.ReadFromJsonAsync<JsonElement>();
            return DemoProjects.All(id => projects.EnumerateArray().Any(p => p.GetProperty("id").GetString() == id));
        }, "the demo projects are seeded", StartDeadline);
    }
}
