using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace HotlineGrains.Floor.Tests;

/// <summary>
/// A console (supervisor.html, agent.html) open in a browser context of its own (fresh storage),
/// found by the page's <c>data-testid</c> attributes, with what the page logged for a failure's message.
/// </summary>
public sealed class ConsolePage : IAsyncDisposable
{
    private readonly IBrowserContext context;
    private readonly ConcurrentQueue<string> console = new();

    internal ConsolePage(IBrowserContext context, IPage page)
    {
        this.context = context;
        Page = page;
        page.Console += (_, message) => console.Enqueue($"console.{message.Type}: {message.Text}");
        page.PageError += (_, error) => console.Enqueue($"page error: {error}");
    }

    public IPage Page { get; }

    public string Console => string.Join('\n', console);

    public ILocator TestId(string id) => Page.Locator(WallboardPage.TestId(id));

    /// <summary>
    /// Opens <paramref name="pathAndQuery"/> (e.g. <c>/agent.html?user=agent-gc-2</c>) and waits until
    /// the page is live on the hub. With <paramref name="fakeClock"/> the page's timers run on
    /// Playwright's clock, installed before the page loads, so a test moves time on instead of waiting.
    /// </summary>
    public static async Task<ConsolePage> OpenAsync(
        ChromiumFixture chromium, Uri gateway, string pathAndQuery, bool fakeClock = false, int width = 1920, int height = 1080, Func<IPage, Task>? prepare = null)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
        });
        var page = await context.NewPageAsync();
        var opened = new ConsolePage(context, page);
        try
        {
            if (fakeClock)
            {
                await page.Clock.InstallAsync();
            }

            if (prepare is not null)
            {
                await prepare(page);
            }

            await page.GotoAsync(new Uri(gateway, pathAndQuery).ToString());
            await opened.WaitUntilLiveAsync(TimeSpan.FromSeconds(30));
            return opened;
        }
        catch
        {
            await opened.DisposeAsync();
            throw;
        }
    }

    /// <summary>Connected and joined: the lists on the page are the server's.</summary>
    public async Task WaitUntilLiveAsync(TimeSpan deadline)
    {
        try
        {
            await Page.WaitForSelectorAsync("body[data-state=\"live\"]",
                new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = (float)deadline.TotalMilliseconds });
        }
        catch (TimeoutException exception)
        {
            var state = await Page.EvaluateAsync<string?>("() => document.body.dataset.state");
            throw new TimeoutException($"{Page.Url} did not go live within {deadline}; it says {state}.\n{Console}", exception);
        }
    }

    public async Task<string> TextAsync(string testId) => (await TestId(testId).TextContentAsync() ?? string.Empty).Trim();

    public async ValueTask DisposeAsync()
    {
        await Page.CloseAsync();
        await context.DisposeAsync();
    }
}
