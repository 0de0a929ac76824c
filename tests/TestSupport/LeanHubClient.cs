using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace HotlineGrains.Testing;

/// <summary>
/// A SignalR client of its own speaking the JSON hub protocol over a WebSocket: what the tests and
/// the benchmark used while the .NET SignalR client package was not served here. Kept beside
/// <see cref="HubClient"/> (the official client) so the benchmark can weigh the two for thousands
/// of screens in one process. It invokes hub methods and collects what the server sends, by target.
/// </summary>
public sealed class LeanHubClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';

    private readonly WebSocket socket;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> pending = new();
    private readonly Channel<(string Target, JsonElement Argument, DateTimeOffset ReceivedAt)> received = Channel.CreateUnbounded<(string, JsonElement, DateTimeOffset)>();
    private readonly CancellationTokenSource closing = new();

    /// <summary>A WebSocket takes one send at a time.</summary>
    private readonly SemaphoreSlim sending = new(1, 1);
    private readonly Task reading;
    private int nextInvocation;

    private LeanHubClient(WebSocket socket)
    {
        this.socket = socket;
        reading = Task.Run(ReadLoop);
    }

    /// <summary>Connects to an open WebSocket on a hub and completes the protocol handshake.</summary>
    public static async Task<LeanHubClient> ConnectAsync(WebSocket socket, CancellationToken cancellationToken = default)
    {
        await SendText(socket, """{"protocol":"json","version":1}""" + RecordSeparator, cancellationToken);
        var handshake = await ReceiveMessage(socket, cancellationToken);
        using var document = JsonDocument.Parse(handshake.TrimEnd(RecordSeparator));
        if (document.RootElement.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException("Handshake refused: " + error.GetString());
        }

        return new LeanHubClient(socket);
    }

    /// <summary>Connects a <see cref="ClientWebSocket"/> to <paramref name="hubUrl"/> (ws://…) with a bearer token.</summary>
    public static async Task<LeanHubClient> ConnectAsync(Uri hubUrl, string token, CancellationToken cancellationToken = default)
    {
        var socket = new ClientWebSocket();
        var url = new UriBuilder(hubUrl) { Query = "access_token=" + Uri.EscapeDataString(token) }.Uri;
        await socket.ConnectAsync(url, cancellationToken);
        return await ConnectAsync(socket, cancellationToken);
    }

    /// <summary>Calls a hub method and returns its result; a hub error is thrown as <see cref="HubError"/>.</summary>
    public async Task<JsonElement> InvokeAsync(string target, params object?[] arguments)
    {
        var id = Interlocked.Increment(ref nextInvocation).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[id] = completion;
        var message = JsonSerializer.Serialize(new { type = 1, invocationId = id, target, arguments });
        await Send(message + RecordSeparator);
        return await completion.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Completes when the connection ends: the server closed it, or the client was disposed.</summary>
    public Task Closed => reading;

    /// <summary>
    /// Tells the hub the client is alive. The server closes a connection that sent nothing for 30 s;
    /// the browser client pings every 15 s, and a long-lived client of this kind must too.
    /// </summary>
    public Task PingAsync() => Send("""{"type":6}""" + RecordSeparator);

    private async Task Send(string text)
    {
        await sending.WaitAsync(closing.Token);
        try
        {
            await SendText(socket, text, closing.Token);
        }
        finally
        {
            sending.Release();
        }
    }

    /// <summary>The next message the server sent to <paramref name="target"/> that matches, with when it arrived.</summary>
    public async Task<(JsonElement Argument, DateTimeOffset ReceivedAt)> NextAsync(string target, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
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

    public async ValueTask DisposeAsync()
    {
        await closing.CancelAsync();
        if (socket.State == WebSocketState.Open)
        {
            try
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception exception) when (exception is WebSocketException or TimeoutException or OperationCanceledException)
            {
                // The server went first; nothing to close.
            }
        }

        await reading.ContinueWith(_ => { }, TaskScheduler.Default);
        socket.Dispose();
        closing.Dispose();
        sending.Dispose();
    }

    private async Task ReadLoop()
    {
        try
        {
            while (!closing.IsCancellationRequested)
            {
                var text = await ReceiveMessage(socket, closing.Token);
                var at = DateTimeOffset.UtcNow;
                foreach (var frame in text.Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries))
                {
                    using var document = JsonDocument.Parse(frame);
                    var root = document.RootElement;
                    switch (root.GetProperty("type").GetInt32())
                    {
                        case 1 when root.TryGetProperty("target", out var target):
                            var arguments = root.GetProperty("arguments");
                            received.Writer.TryWrite((target.GetString()!, arguments.GetArrayLength() > 0 ? arguments[0].Clone() : default, at));
                            break;
                        case 3 when pending.TryRemove(root.GetProperty("invocationId").GetString()!, out var completion):
                            if (root.TryGetProperty("error", out var error))
                            {
                                completion.TrySetException(new HubError(error.GetString() ?? "error"));
                            }
                            else
                            {
                                completion.TrySetResult(root.TryGetProperty("result", out var result) ? result.Clone() : default);
                            }

                            break;
                        case 7:
                            received.Writer.TryComplete();
                            return;
                    }
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or EndOfStreamException)
        {
            received.Writer.TryComplete();
        }
    }

    private static Task SendText(WebSocket socket, string text, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    private static async Task<string> ReceiveMessage(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new EndOfStreamException("The hub closed the connection.");
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }
}
