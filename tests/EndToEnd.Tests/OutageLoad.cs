using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HotlineGrains.Testing;

namespace HotlineGrains.EndToEnd.Tests;

/// <summary>
/// Callers recording complaints through one gateway during an outage drill, each ticket with an
/// Idempotency-Key of its own so a retry cannot make a second one. Every answer is kept by status;
/// a 503 is retried after its Retry-After, as the API tells a client to; any other failure, or a
/// 503 that is not problem details with Retry-After, is a failure of the drill.
/// </summary>
internal sealed class OutageLoad(Uri gateway, string token, string project, string agent)
{
    private readonly CancellationTokenSource stop = new();
    private int unavailable;

    /// <summary>Ticket ids the gateway acknowledged, by Idempotency-Key.</summary>
    public ConcurrentDictionary<string, string> Acknowledged { get; } = new();

    public ConcurrentQueue<string> Failures { get; } = new();

    /// <summary>503 answers, each retried.</summary>
    public int Unavailable => Volatile.Read(ref unavailable);

    public void Stop() => stop.Cancel();

    public async Task RunAsync(int caller)
    {
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var key = $"drill-{caller}-{i}";
            var deadline = Stopwatch.StartNew();
            while (!await TryRecordAsync(http, key))
            {
                if (deadline.Elapsed > TimeSpan.FromMinutes(2))
                {
                    Failures.Enqueue($"{key}: not recorded within two minutes of retries");
                    break;
                }
            }
        }
    }

    public Task WaitForTicketsAsync(int count) =>
        Eventually.Until(() => Acknowledged.Count >= count || !Failures.IsEmpty, $"{count} tickets acknowledged", TimeSpan.FromSeconds(120));

    /// <summary>True when the ticket is recorded, or the attempt failed for good; false to retry.</summary>
    private async Task<bool> TryRecordAsync(HttpClient http, string key)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/projects/{project}/tickets")
            {
                Content = JsonContent.Create(SampleIntake.Complaint(agent, $"{SampleIntake.Content}({key})")),
            };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await http.SendAsync(request);
            if (response.IsSuccessStatusCode)
            {
                Acknowledged[key] = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
                return true;
            }

            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                Failures.Enqueue($"{key}: {(int)response.StatusCode} {body}");
                return true;
            }

            Interlocked.Increment(ref unavailable);
            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json" || response.Headers.RetryAfter?.Delta is null)
            {
                Failures.Enqueue($"{key}: a 503 without problem details or Retry-After: {response.Content.Headers.ContentType} {body}");
                return true;
            }

            await Task.Delay(response.Headers.RetryAfter.Delta.Value);
            return false;
        }
        catch (Exception broken) when (broken is HttpRequestException or TaskCanceledException)
        {
            Failures.Enqueue($"{key}: no answer ({broken.GetType().Name}: {broken.Message})");
            return true;
        }
    }
}
