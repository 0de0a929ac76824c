using HotlineGrains.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace HotlineGrains.Floor.Tests;

/// <summary>
/// The wallboard of all projects on the demo floor at the two wall-screen sizes: it fits without
/// scrolling, and its screenshots go to docs/screenshots (linked from the README).
/// </summary>
public sealed class WallboardScreenshotTests(ChromiumFixture chromium, DemoFloorFixture floor, ITestOutputHelper output)
    : IClassFixture<ChromiumFixture>, IClassFixture<DemoFloorFixture>
{
    [Fact]
    public Task The_full_wallboard_fits_a_1920x1080_screen_without_scrolling() => ShowAndCapture(1920, 1080);

    [Fact]
    public Task The_full_wallboard_fits_a_3840x2160_screen_without_scrolling() => ShowAndCapture(3840, 2160);

    private async Task ShowAndCapture(int width, int height)
    {
        await using var wallboard = await chromium.OpenAsync(floor.Gateway.Address, string.Empty, width, height);
        var page = wallboard.Page;

        // The board is full once it holds what the register and the floor hold.
        var full = $"() => document.querySelector('[data-testid=\"open-tickets\"]').textContent === '{floor.OpenTickets}'"
            + $" && [...document.querySelectorAll('[data-testid=\"agents-by-state\"] .chip b')].reduce((n, b) => n + Number(b.textContent), 0) === {floor.Agents}"
            + $" && document.querySelector('[data-testid=\"calls-waiting\"]').textContent === '{floor.CallsWaiting}'"
            + $" && document.querySelector('[data-testid=\"answered-today\"]').textContent === '{floor.CallsAnswered}'"
            + $" && document.querySelector('[data-testid=\"abandoned-today\"]').textContent === '{floor.CallsAbandoned}'";
        await page.WaitForFunctionAsync(full, null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        await page.EvaluateAsync("() => document.fonts.ready");

        var size = await page.EvaluateAsync<int[]>(
            "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight, document.body.scrollHeight, innerWidth, innerHeight]");
        output.WriteLine($"{width}x{height}: scroll {size[0]}x{size[1]} (body {size[2]}), viewport {size[3]}x{size[4]}");
        Assert.Equal((width, height), (size[3], size[4]));
        Assert.True(size[1] <= size[4] && size[2] <= size[4], $"the page scrolls: {size[1]} px high in a {size[4]} px viewport");
        Assert.True(size[0] <= size[3], $"the page scrolls sideways: {size[0]} px wide in a {size[3]} px viewport");
        // Lists show the rows that fit, none cut off: every row ends inside its list, every element inside the screen.
        var clipped = await page.EvaluateAsync<string[]>(ClippedElements);
        Assert.True(clipped.Length == 0, "cut off: " + string.Join(", ", clipped));
        Assert.True(await page.Locator(WallboardPage.TestId("offline-banner")).IsHiddenAsync());
        Assert.True(await page.Locator("[data-testid^=\"ticket-\"]").CountAsync() > 0, "no ticket rows on the board");

        var file = Path.Combine(Repository.Root, "docs", "screenshots", $"wallboard-{width}x{height}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = false });
        output.WriteLine($"screenshot: {file}");
    }

    /// <summary>Rows reaching past the bottom of their list, and elements past the edges of the screen.</summary>
    private const string ClippedElements = """
        () => {
          const out = [];
          for (const list of document.querySelectorAll('.rows')) {
            const bottom = list.getBoundingClientRect().bottom + 0.5;
            for (const row of list.children) {
              if (row.getBoundingClientRect().bottom > bottom) out.push(row.dataset.testid || row.className);
            }
          }
          for (const e of document.querySelectorAll('body *')) {
            const r = e.getBoundingClientRect();
            if (r.width > 0 && (r.bottom > innerHeight + 0.5 || r.right > innerWidth + 0.5)) out.push(e.dataset.testid || e.className || e.tagName);
          }
          return out;
        }
        """;
}
