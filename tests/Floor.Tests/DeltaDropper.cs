using Microsoft.Playwright;

namespace HotlineGrains.Floor.Tests;

/// <summary>
/// Stands between a page and the wallboard hub: loses the next <c>BoardDelta</c> on its way in when
/// told to, and counts the page's requests for a whole board. One frame may carry several hub
/// messages (a busy server flushes them together): one delta is lost, the rest pass.
/// </summary>
public sealed class DeltaDropper
{
    private int dropNext;
    private int dropped;
    private int askedForWhole;

    private long lastDeltaAt;

    public int Dropped => Volatile.Read(ref dropped);

    /// <summary>When the last delta came from the hub (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>), lost or passed on.</summary>
    public long LastDeltaAt => Volatile.Read(ref lastDeltaAt);

    public int AskedForWhole => Volatile.Read(ref askedForWhole);

    public void DropNextDelta() => Volatile.Write(ref dropNext, 1);

    public Task AttachAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.RouteWebSocketAsync("**/hubs/wallboard**", ws =>
        {
            var server = ws.ConnectToServer();
            ws.OnMessage(frame =>
            {
                if (frame.Text?.Contains("\"target\":\"Board\"", StringComparison.Ordinal) == true)
                {
                    Interlocked.Increment(ref askedForWhole);
                }

                Forward(frame, server);
            });
            server.OnMessage(frame =>
            {
                var delta = frame.Text is { } text && text.Contains("\"target\":\"BoardDelta\"", StringComparison.Ordinal);
                if (delta)
                {
                    Volatile.Write(ref lastDeltaAt, System.Diagnostics.Stopwatch.GetTimestamp());
                }

                if (delta && Interlocked.Exchange(ref dropNext, 0) == 1)
                {
                    Interlocked.Increment(ref dropped);
                    var messages = frame.Text!.Split('\u001e').ToList();
                    messages.RemoveAt(messages.FindIndex(m => m.Contains("\"target\":\"BoardDelta\"", StringComparison.Ordinal)));
                    if (messages.Any(m => m.Length > 0))
                    {
                        ws.Send(string.Join('\u001e', messages));
                    }

                    return;
                }

                Forward(frame, ws);
            });
        });
    }

    private static void Forward(IWebSocketFrame frame, IWebSocketRoute to)
    {
        if (frame.Text is { } text)
        {
            to.Send(text);
        }
        else if (frame.Binary is { } binary)
        {
            to.Send(binary);
        }
    }
}
