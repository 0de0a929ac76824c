using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace HotlineGrains.Floor.Tests;

/// <summary>An open wallboard and what it logged, found by the page's <c>data-testid</c> attributes.</summary>
public sealed class WallboardPage(IBrowserContext context, IPage page) : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> console = Listen(page);

    public IPage Page => page;

    /// <summary>What the page wrote to the console and the errors it threw, for a failure's message.</summary>
    public string Console => string.Join('\n', console);

    public static string TestId(string id) => $"[data-testid=\"{id}\"]";

    public static string Ticket(string number) => TestId("ticket-" + number);

    public ILocator OfflineBanner => page.Locator(TestId("offline-banner"));

    /// <summary>Connected and joined: the boards on the page are the server's.</summary>
    public async Task WaitUntilLiveAsync(TimeSpan deadline)
    {
        try
        {
            await page.WaitForSelectorAsync("body[data-state=\"live\"]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = (float)deadline.TotalMilliseconds });
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"The wallboard did not go live within {deadline}; it says {await StateAsync()}.\n{Console}", exception);
        }
    }

    public Task<string?> StateAsync() => page.EvaluateAsync<string?>("() => document.body.dataset.state");

    public async Task<string> TextAsync(string testId) => (await page.Locator(TestId(testId)).TextContentAsync() ?? string.Empty).Trim();

    public async ValueTask DisposeAsync()
    {
        await page.CloseAsync();
        await context.DisposeAsync();
    }

    private static ConcurrentQueue<string> Listen(IPage page)
    {
        var lines = new ConcurrentQueue<string>();
        page.Console += (_, message) => lines.Enqueue($"console.{message.Type}: {message.Text}");
        page.PageError += (_, error) => lines.Enqueue($"page error: {error}");
        return lines;
    }
}
