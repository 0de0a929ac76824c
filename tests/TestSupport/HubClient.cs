using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace HotlineGrains.Testing;

/// <summary>
/// The official .NET SignalR client (HubConnection) as the tests use it: connect with a bearer
/// token over WebSockets, invoke hub methods and get their JSON results, and wait for what the
/// server sends to a client method, with when it arrived.
/// </summary>
public sealed class HubClient : IAsyncDisposable
{
    /// <summary>The client methods the wallboard hub calls (whole boards and deltas); what they receive is kept from the start.</summary>
    private static readonly string[] ClientMethods = ["Board", "BoardDelta"];

    private readonly HubConnection connection;
    private readonly Channel<(string Target, JsonElement Argument, DateTimeOffset ReceivedAt)> received = Channel.CreateUnbounded<(string, JsonElement, DateTimeOffset)>();
    private readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HubClient(HubConnection connection)
    {
        this.connection = connection;
        foreach (var method in ClientMethods)
        {
            connection.On<JsonElement>(method, argument => received.Writer.TryWrite((method, argument, DateTimeOffset.UtcNow)));
        }

        connection.Closed += _ =>
        {
            received.Writer.TryComplete();
            closed.TrySetResult();
            return Task.CompletedTask;
        };
    }

    /// <summary>Connects to <paramref name="hubUrl"/> (http:// or ws://) with a bearer token, over WebSockets as the pages do.</summary>
    /// <param name="webSocket">Opens the WebSocket, for a server that is not on the network (ASP.NET's test server); a real one when null.</param>
    public static async Task<HubClient> ConnectAsync(Uri hubUrl, string token, Func<Uri, CancellationToken, Task<WebSocket>>? webSocket = null, CancellationToken cancellationToken = default)
    {
        var http = new UriBuilder(hubUrl) { Scheme = hubUrl.Scheme is "ws" ? "http" : hubUrl.Scheme is "wss" ? "https" : hubUrl.Scheme }.Uri;
        var connection = new HubConnectionBuilder()
            .WithUrl(http, options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                if (webSocket is not null)
                {
                    // The test server takes the token in the query string, as browsers send it.
                    options.WebSocketFactory = async (context, cancel) =>
                        await webSocket(new UriBuilder(context.Uri) { Query = "access_token=" + Uri.EscapeDataString(token) }.Uri, cancel);
                }
            })
            .Build();
        var client = new HubClient(connection);
        try
        {
            await connection.StartAsync(cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return client;
    }

    /// <summary>Calls a hub method and returns its result; a hub error is thrown as <see cref="HubError"/>.</summary>
    public async Task<JsonElement> InvokeAsync(string target, params object?[] arguments)
    {
        try
        {
            return await connection.InvokeCoreAsync<JsonElement>(target, arguments).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (HubException error)
        {
            throw new HubError(error.Message);
        }
    }

    /// <summary>Completes when the connection ends: the server closed it, or the client was disposed.</summary>
    public Task Closed => closed.Task;

    /// <summary>The next message the server sent to <paramref name="target"/> that matches, with when it arrived.</summary>
    public async Task<(JsonElement Argument, DateTimeOffset ReceivedAt)> NextAsync(string target, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        if (!ClientMethods.Contains(target, StringComparer.Ordinal))
        {
            throw new ArgumentException($"Only {string.Join(", ", ClientMethods)} is listened to.", nameof(target));
        }

        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var (messageTarget, argument, at) = await received.Reader.ReadAsync(deadline.Token);
            if (messageTarget == target && (match?.Invoke(argument) ?? true))
            {
                return (argument, at);
            }
        }
    }

    /// <summary>The next message the server sent to any client method, in the order they came, with when it arrived.</summary>
    public async Task<(string Target, JsonElement Argument, DateTimeOffset ReceivedAt)> NextAnyAsync(CancellationToken cancellationToken) =>
        await received.Reader.ReadAsync(cancellationToken);

    public async ValueTask DisposeAsync() => await connection.DisposeAsync();
}

/// <summary>An error a hub method answered with.</summary>
public sealed class HubError(string message) : Exception(message);
