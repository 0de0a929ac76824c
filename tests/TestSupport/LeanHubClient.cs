using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace HotlineGrains.Testing;

/// <summary>
/// A SignalR client of its own speaking the JSON hub protocol over a WebSocket: what the tests and
/// the benchmark used while the .NET SignalR client package was not served here. Kept beside
/// <see cref="HubClient"/> (the official client) so the benchmark can weigh the two for thousands
/// of screens in one process. It invokes hub methods and collects what the server sends, by target;
/// or hands each invocation the server sends, as its JSON record, to a <see cref="RecordListener"/>
/// before anything is parsed or kept, which lets one process hold thousands of screens cheaply.
/// </summary>
public sealed class LeanHubClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';

    /// <summary>The server's messages come in this much at a time, into one buffer per connection.</summary>
    private const int ReceiveChunk = 4096;

    private readonly WebSocket socket;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> pending = new();
    private readonly Channel<(string Target, JsonElement Argument, DateTimeOffset ReceivedAt)> received = Channel.CreateUnbounded<(string, JsonElement, DateTimeOffset)>();
    private readonly CancellationTokenSource closing = new();
    private readonly RecordListener? listener;

    /// <summary>A WebSocket takes one send at a time.</summary>
    private readonly SemaphoreSlim sending = new(1, 1);
    private readonly Task reading;
    private int nextInvocation;

    /// <summary>
    /// Takes an invocation record the server sent (type 1: <c>{"type":1,"target":…,"arguments":[…]}</c>,
    /// UTF-8, without its separator) on the connection's read loop, with when it arrived
    /// (<see cref="Stopwatch.GetTimestamp"/>); the span is valid only during the call. True when
    /// it took the record: it is then neither parsed nor kept for <see cref="NextAsync"/>.
    /// </summary>
    public delegate bool RecordListener(ReadOnlySpan<byte> record, long receivedAt);

    private LeanHubClient(WebSocket socket, RecordListener? listener)
    {
        this.socket = socket;
        this.listener = listener;
        reading = Task.Run(ReadLoop);
    }

    /// <summary>Connects to an open WebSocket on a hub and completes the protocol handshake.</summary>
    public static async Task<LeanHubClient> ConnectAsync(WebSocket socket, CancellationToken cancellationToken = default) =>
        await ConnectAsync(socket, listener: null, cancellationToken);

    /// <summary>Connects a <see cref="ClientWebSocket"/> to <paramref name="hubUrl"/> (ws://…) with a bearer token.</summary>
    public static async Task<LeanHubClient> ConnectAsync(Uri hubUrl, string token, CancellationToken cancellationToken = default) =>
        await ConnectAsync(hubUrl, token, listener: null, cancellationToken);

    /// <summary>As <see cref="ConnectAsync(Uri, string, CancellationToken)"/>, each invocation the server sends offered to <paramref name="listener"/> first.</summary>
    public static async Task<LeanHubClient> ConnectAsync(Uri hubUrl, string token, RecordListener? listener, CancellationToken cancellationToken = default)
    {
        var socket = new ClientWebSocket();
        var url = new UriBuilder(hubUrl) { Query = "access_token=" + Uri.EscapeDataString(token) }.Uri;
        await socket.ConnectAsync(url, cancellationToken);
        return await ConnectAsync(socket, listener, cancellationToken);
    }

    private static async Task<LeanHubClient> ConnectAsync(WebSocket socket, RecordListener? listener, CancellationToken cancellationToken)
    {
        await SendText(socket, """{"protocol":"json","version":1}""" + RecordSeparator, cancellationToken);
        var handshake = new ArrayBufferWriter<byte>(ReceiveChunk);
        await ReceiveMessage(socket, handshake, cancellationToken);
        using var document = JsonDocument.Parse(handshake.WrittenMemory.TrimEnd((byte)RecordSeparator));
        if (document.RootElement.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException("Handshake refused: " + error.GetString());
        }

        return new LeanHubClient(socket, listener);
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
        // One buffer for the connection's life: a screen receives a message every few hundred ms.
        var message = new ArrayBufferWriter<byte>(ReceiveChunk);
        try
        {
            while (!closing.IsCancellationRequested)
            {
                // A whole board (the join's answer) grows the buffer; the deltas after it are small.
                message = message.Capacity > 16 * ReceiveChunk ? new ArrayBufferWriter<byte>(ReceiveChunk) : message;
                message.ResetWrittenCount();
                await ReceiveMessage(socket, message, closing.Token);
                var receivedAt = Stopwatch.GetTimestamp();
                var at = DateTimeOffset.UtcNow;
                var rest = message.WrittenMemory;
                while (!rest.IsEmpty)
                {
                    var end = rest.Span.IndexOf((byte)RecordSeparator);
                    var frame = end < 0 ? rest : rest[..end];
                    rest = end < 0 ? ReadOnlyMemory<byte>.Empty : rest[(end + 1)..];
                    if (frame.IsEmpty || (listener is not null && IsInvocation(frame.Span) && listener(frame.Span, receivedAt)))
                    {
                        continue;
                    }

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

    /// <summary>Whether a record is an invocation (type 1): the JSON hub protocol writes its type first.</summary>
    private static bool IsInvocation(ReadOnlySpan<byte> record) => record.StartsWith("""{"type":1,"""u8);

    /// <summary>One WebSocket message (one or more records) appended to <paramref name="message"/>.</summary>
    private static async Task ReceiveMessage(WebSocket socket, ArrayBufferWriter<byte> message, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await socket.ReceiveAsync(message.GetMemory(ReceiveChunk), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new EndOfStreamException("The hub closed the connection.");
            }

            message.Advance(result.Count);
            if (result.EndOfMessage)
            {
                return;
            }
        }
    }
}
