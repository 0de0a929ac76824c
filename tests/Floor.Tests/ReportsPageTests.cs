using HotlineGrains.Testing;
using System.Globalization;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace HotlineGrains.Floor.Tests;

/// <summary>
/// The reports page (issue 12) on the demo month in real Chromium: every chart drawn and every table
/// holding the API's numbers, filters that change them, the print layout's order, and screenshots at
/// 1920×1080 for docs/screenshots.
/// </summary>
public sealed class ReportsPageTests(ChromiumFixture chromium, DemoMonthFixture demo, ITestOutputHelper output)
    : IClassFixture<ChromiumFixture>, IClassFixture<DemoMonthFixture>
{
    private static readonly string[] Charts = ["tickets-by-day", "sla-trend", "answer-rate", "categories", "satisfaction", "agents", "agent-time"];

    /// <summary>Last month in the projects' time zone (Asia/Shanghai), as the page picks by default.</summary>
    private static string LastMonth =>
        DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_reports_page_draws_every_chart_of_the_demo_month_with_the_API_s_figures_in_the_tables_beside_them()
    {
        await using var reports = await OpenAsync("/reports.html?user=pm-gc");
        var api = await demo.Gateway.GetAsync($"/api/reports/month/{LastMonth}", await demo.Gateway.TokenAsync("pm-gc"));
        var tickets = api.GetProperty("tickets");
        Assert.True(tickets.GetProperty("received").GetInt32() > 100, "the demo month has few tickets: " + tickets.GetProperty("received"));

        Assert.Equal(tickets.GetProperty("received").GetInt32().ToString(CultureInfo.InvariantCulture), await Headline(reports, "tickets"));
        Assert.Equal(api.GetProperty("activity").GetProperty("callsOffered").GetInt32().ToString(CultureInfo.InvariantCulture), await Headline(reports, "calls"));
        Assert.Equal(Percent(tickets.GetProperty("deadline").GetProperty("complianceRate").GetDouble()), await Headline(reports, "deadline"));
        Assert.Equal(Percent(api.GetProperty("activity").GetProperty("answerRate").GetDouble()), await Headline(reports, "answer-rate"));

        // Every day of the month has its row, and the rows add up to the month's tickets.
        var days = DateTime.DaysInMonth(int.Parse(LastMonth[..4], CultureInfo.InvariantCulture), int.Parse(LastMonth[5..], CultureInfo.InvariantCulture));
        Assert.Equal(days, await reports.Page.Locator("[data-testid=\"table-tickets-by-day\"] tbody tr").CountAsync());
        Assert.Equal(tickets.GetProperty("received").GetInt32(), await Total(reports, "table-tickets-by-day"));
        Assert.Equal(api.GetProperty("activity").GetProperty("callsOffered").GetInt32(), await Cell(reports, "table-answer-rate", "tfoot tr", 1));

        var categories = await reports.Page.Locator("[data-testid=\"table-categories\"] tbody tr").AllInnerTextsAsync();
        Assert.Equal(
            tickets.GetProperty("byCategory").EnumerateObject().OrderBy(c => c.Name, StringComparer.Ordinal).Select(c => $"{c.Name}:{c.Value.GetInt32()}"),
            categories.Select(r => r.Split('\t')).Select(r => $"{r[0].Trim()}:{r[1].Trim()}").OrderBy(r => r, StringComparer.Ordinal));
        Assert.Equal(tickets.GetProperty("callbacks").GetProperty("satisfied").GetInt32(), await Cell(reports, "table-satisfaction", "tbody tr", 1));
        Assert.Equal(tickets.GetProperty("byAgent").EnumerateObject().Count(), await reports.Page.Locator("[data-testid=\"table-agents\"] tbody tr").CountAsync());
        var agentTime = await reports.Page.Locator("[data-testid=\"table-agent-time\"] tbody tr").AllInnerTextsAsync();
        Assert.Equal(
            api.GetProperty("agents").EnumerateArray().Select(a => $"{a.GetProperty("workNumber").GetString()} {a.GetProperty("name").GetString()}:{a.GetProperty("callsAnswered").GetInt32()}"),
            agentTime.Select(r => r.Split('\t')).Select(r => $"{r[0].Trim()}:{r[^1].Trim()}"));

        foreach (var chart in Charts)
        {
            Assert.True(await DrawnPixels(reports, chart) > 2_000, $"the {chart} chart is not drawn");
        }

        Assert.Equal(tickets.GetProperty("received").GetInt32(), await ChartSum(reports, "categories"));
        await ScreenshotAsync(reports, "reports-1920x1080.png");
        NoScriptErrors(reports);
    }

    [Fact]
    public async Task Choosing_a_project_a_department_and_a_week_redraws_the_charts_and_tables_for_them()
    {
        await using var reports = await OpenAsync("/reports.html?user=admin");
        var admin = await demo.Gateway.TokenAsync("admin");
        var everything = await demo.Gateway.GetAsync($"/api/reports/month/{LastMonth}", admin);
        Assert.Equal(everything.GetProperty("tickets").GetProperty("received").GetInt32(), await ChartSum(reports, "categories"));

        await ChooseAsync(reports, "filter-project", "weibang-plaza");
        var project = await demo.Gateway.GetAsync($"/api/reports/month/{LastMonth}?project=weibang-plaza", admin);
        var projectTickets = project.GetProperty("tickets").GetProperty("received").GetInt32();
        Assert.True(projectTickets < everything.GetProperty("tickets").GetProperty("received").GetInt32());
        Assert.Equal(projectTickets, await ChartSum(reports, "categories"));
        Assert.Equal(projectTickets.ToString(CultureInfo.InvariantCulture), await Headline(reports, "tickets"));

        await ChooseAsync(reports, "filter-department", "秩序部");
        var department = await demo.Gateway.GetAsync($"/api/reports/month/{LastMonth}?project=weibang-plaza&department=%E7%A7%A9%E5%BA%8F%E9%83%A8", admin);
        var departmentTickets = department.GetProperty("tickets").GetProperty("received").GetInt32();
        Assert.InRange(departmentTickets, 1, projectTickets - 1);
        Assert.Equal(departmentTickets, await ChartSum(reports, "categories"));
        Assert.Equal(departmentTickets, await Total(reports, "table-tickets-by-day"));
        // Calls are per project: a department's report has none, and the page says so instead of a table.
        Assert.Equal("—", await Headline(reports, "calls"));
        Assert.Equal(1, await reports.Page.Locator("[data-testid=\"table-answer-rate\"] .note").CountAsync());
        await ScreenshotAsync(reports, "reports-department-1920x1080.png");

        await ChooseAsync(reports, "filter-period", "week");
        Assert.Equal(7, await reports.Page.Locator("[data-testid=\"table-tickets-by-day\"] tbody tr").CountAsync());
        var week = await reports.Page.InputValueAsync("[data-testid=\"filter-week\"]");
        var weekly = await demo.Gateway.GetAsync($"/api/reports/week/{week}?project=weibang-plaza&department=%E7%A7%A9%E5%BA%8F%E9%83%A8", admin);
        Assert.Equal(weekly.GetProperty("tickets").GetProperty("received").GetInt32(), await Total(reports, "table-tickets-by-day"));
        NoScriptErrors(reports);
    }

    [Fact]
    public async Task The_printed_monthly_report_puts_the_headline_figures_first_then_the_tables_then_the_charts()
    {
        await using var reports = await OpenAsync("/reports.html?user=pm-al");
        await reports.Page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        var order = await reports.Page.EvaluateAsync<double[]>("""
            () => {
              const top = (e) => e.getBoundingClientRect().top;
              const tables = [...document.querySelectorAll('.table')].filter((e) => e.offsetParent).map(top);
              const charts = [...document.querySelectorAll('.chart')].filter((e) => e.offsetParent).map(top);
              return [top(document.querySelector('[data-testid="headline"]')), Math.min(...tables), Math.max(...tables), Math.min(...charts),
                document.querySelector('.filters').offsetParent ? 1 : 0];
            }
            """);
        output.WriteLine($"headline {order[0]}, tables {order[1]}–{order[2]}, charts from {order[3]}");
        Assert.True(order[0] < order[1], "the tables come before the headline figures");
        Assert.True(order[2] < order[3], "a chart comes before the last table");
        Assert.Equal(0, order[4]);
        Assert.Contains(LastMonth, await reports.Page.Locator("[data-testid=\"print-period\"]").TextContentAsync() ?? string.Empty, StringComparison.Ordinal);
    }

    private async Task<ConsolePage> OpenAsync(string pathAndQuery)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1920, Height = 1080 },
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
        });
        var page = await context.NewPageAsync();
        var reports = new ConsolePage(context, page);
        await page.GotoAsync(new Uri(demo.Gateway.Address, pathAndQuery).ToString());
        await WaitUntilReadyAsync(reports, previous: null);
        return reports;
    }

    /// <summary>Picks an option and waits for the report of the new choice to be drawn.</summary>
    private static async Task ChooseAsync(ConsolePage reports, string filter, string value)
    {
        var before = await reports.Page.EvaluateAsync<string>("() => document.body.dataset.report");
        await reports.Page.SelectOptionAsync($"[data-testid=\"{filter}\"]", value);
        await WaitUntilReadyAsync(reports, before);
    }

    private static async Task WaitUntilReadyAsync(ConsolePage reports, string? previous)
    {
        try
        {
            await reports.Page.WaitForFunctionAsync(
                "previous => document.body.dataset.state === 'ready' && document.body.dataset.report !== previous",
                previous ?? string.Empty, new PageWaitForFunctionOptions { Timeout = 60_000 });
        }
        catch (TimeoutException exception)
        {
            var status = await reports.Page.Locator("[data-testid=\"report-status\"]").TextContentAsync();
            throw new TimeoutException($"the report was not drawn: {status}\n{reports.Console}", exception);
        }
    }

    private static async Task<string> Headline(ConsolePage reports, string figure) =>
        (await reports.Page.Locator($"[data-testid=\"headline-{figure}\"] b").TextContentAsync() ?? string.Empty).Trim();

    private static async Task<int> Cell(ConsolePage reports, string table, string row, int column) =>
        int.Parse((await reports.Page.Locator($"[data-testid=\"{table}\"] {row}").First.Locator("th, td").Nth(column).TextContentAsync())!, CultureInfo.InvariantCulture);

    /// <summary>The last cell of a table's total row.</summary>
    private static async Task<int> Total(ConsolePage reports, string table) =>
        int.Parse((await reports.Page.Locator($"[data-testid=\"{table}\"] tfoot td").Last.TextContentAsync())!, CultureInfo.InvariantCulture);

    /// <summary>What the chart holds: the sum of its datasets' values.</summary>
    private static Task<int> ChartSum(ConsolePage reports, string chart) => reports.Page.EvaluateAsync<int>(
        "name => Chart.getChart(document.querySelector(`[data-testid=\"chart-${name}\"]`)).data.datasets.flatMap((d) => d.data).reduce((n, v) => n + v, 0)", chart);

    /// <summary>Pixels the chart painted on its canvas (not transparent).</summary>
    private static Task<int> DrawnPixels(ConsolePage reports, string chart) => reports.Page.EvaluateAsync<int>("""
        name => {
          const canvas = document.querySelector(`[data-testid="chart-${name}"]`);
          const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          let painted = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
          return painted;
        }
        """, chart);

    /// <summary>The page's scripts threw nothing (Chromium's own favicon request is refused with a 401, as on every page).</summary>
    private void NoScriptErrors(ConsolePage reports)
    {
        output.WriteLine(reports.Console);
        Assert.DoesNotContain("page error", reports.Console, StringComparison.Ordinal);
    }

    private static string Percent(double rate) => (rate * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private async Task ScreenshotAsync(ConsolePage reports, string name)
    {
        await reports.Page.EvaluateAsync("() => document.fonts.ready");
        var file = Path.Combine(Repository.Root, "docs", "screenshots", name);
        await reports.Page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = false });
        output.WriteLine($"screenshot: {file}");
    }
}
