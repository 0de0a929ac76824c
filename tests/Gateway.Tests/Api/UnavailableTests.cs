using System.Net.Sockets;
using System.Text.Json;
using HotlineGrains.Gateway.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;

namespace HotlineGrains.Gateway.Tests.Api;

/// <summary>
/// What a rolling upgrade or a database restart throws at a request is a 503 with Retry-After, as
/// problem details, never a 500: the rolling-upgrade rehearsal met each of these mid-request.
/// </summary>
public sealed class UnavailableTests
{
    public static TheoryData<string> Transient => [.. TransientFailures.Keys];

    private static readonly Dictionary<string, Exception> TransientFailures = new()
    {
        ["a silo shutting down"] = new SiloUnavailableException("Silo 'S127.0.0.1:38329:155453236' is shutting down."),
        ["the grain's silo gone before it answered"] = new TimeoutException("Response did not arrive on time in 00:00:30"),
        ["PostgreSQL restarting, as the storage provider reports it"] =
            new OrleansException("Grain state could not be written", new NpgsqlException("Exception while reading from stream", new SocketException((int)SocketError.ConnectionReset))),
        ["PostgreSQL stopped, refusing connections"] =
            new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)),
        ["PostgreSQL shut down by its operator under an open session"] =
            new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"),
        ["PostgreSQL still starting after a restart"] =
            new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03"),
    };

    [Theory]
    [MemberData(nameof(Transient))]
    public async Task A_request_that_met_the_cluster_or_its_database_away_is_told_to_retry(string failure)
    {
        var http = Context();

        var handled = await new Problems.Handler().TryHandleAsync(http, TransientFailures[failure], CancellationToken.None);

        Assert.True(handled);
        Assert.Equal((503, "2"), (http.Response.StatusCode, http.Response.Headers.RetryAfter.ToString()));
        http.Response.Body.Position = 0;
        var problem = await JsonDocument.ParseAsync(http.Response.Body);
        Assert.Equal(("Temporarily unavailable", 503), (problem.RootElement.GetProperty("title").GetString(), problem.RootElement.GetProperty("status").GetInt32()));
        Assert.StartsWith("application/problem+json", http.Response.ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bug_is_not_taken_for_an_outage()
    {
        var http = Context();

        Assert.False(await new Problems.Handler().TryHandleAsync(http, new InvalidOperationException("a bug"), CancellationToken.None));
        Assert.False(await new Problems.Handler().TryHandleAsync(http, new NpgsqlException("syntax error at or near \"selec\""), CancellationToken.None));
    }

    private static DefaultHttpContext Context()
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        return new DefaultHttpContext { RequestServices = services, Response = { Body = new MemoryStream() } };
    }
}
