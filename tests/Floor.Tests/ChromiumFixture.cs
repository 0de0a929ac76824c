using Microsoft.Playwright;

namespace HotlineGrains.Floor.Tests;

/// <summary>
/// The machine's Chromium (<c>/usr/bin/chromium</c>, from the distribution's packages), launched
/// once for a test class and driven by Playwright. Tests never download a browser.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    private IPlaywright? playwright;
    private IBrowser? browser;

    public IBrowser Browser => browser ?? throw new InvalidOperationException("Chromium is not running.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {ExecutablePath}: scripts/services.sh installs it with apt-get (the tests never download a browser).");
        }

        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Arguments,
        });
    }

    /// <summary>A page of its own (fresh storage) with the viewport of a wall screen; <paramref name="beforeOpen"/> sets the page up before it loads (routes, say).</summary>
    public async Task<WallboardPage> OpenAsync(Uri gateway, string query, int width, int height, Func<IPage, Task>? beforeOpen = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
        });
        var page = await context.NewPageAsync();
        var wallboard = new WallboardPage(context, page);
        if (beforeOpen is not null)
        {
            await beforeOpen(page);
        }

        await page.GotoAsync(new Uri(gateway, "/wallboard.html" + query).ToString());
        await wallboard.WaitUntilLiveAsync(TimeSpan.FromSeconds(30));
        return wallboard;
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
    }
}
