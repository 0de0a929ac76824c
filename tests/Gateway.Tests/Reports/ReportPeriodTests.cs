using HotlineGrains.Gateway.Reports;

namespace HotlineGrains.Gateway.Tests.Reports;

/// <summary>The periods a report covers (issue 12): ISO weeks across year ends, month lengths, ranges; and the percentiles the SLA figures use.</summary>
public sealed class ReportPeriodTests
{
    [Theory]
    [InlineData("2026-W01", "2025-12-29", "2026-01-04")] // ISO week 1 holds the year's first Thursday
    [InlineData("2026-W45", "2026-11-02", "2026-11-08")]
    [InlineData("2026-W53", "2026-12-28", "2027-01-03")] // 2026 has 53 ISO weeks
    public void An_iso_week_runs_monday_to_sunday(string week, string from, string to)
    {
        var (period, problem) = ReportPeriod.Week(week);
        Assert.Null(problem);
        Assert.Equal((DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture)), (period!.From, period.To));
    }

    [Theory]
    [InlineData("2027-W53")] // 2027 has 52
    [InlineData("2026-W00")]
    [InlineData("2026W45")]
    [InlineData("2026-w45")]
    [InlineData("1999-W10")]
    public void A_week_that_does_not_exist_is_refused(string week) => Assert.NotNull(ReportPeriod.Week(week).Problem);

    [Theory]
    [InlineData("2026-02", 28)]
    [InlineData("2028-02", 29)]
    [InlineData("2026-11", 30)]
    [InlineData("2026-12", 31)]
    public void A_month_has_its_days(string month, int days)
    {
        var period = ReportPeriod.Month(month).Period!;
        Assert.Equal((1, days), (period.From.Day, period.To.DayNumber - period.From.DayNumber + 1));
    }

    [Theory]
    [InlineData("2026-1")]
    [InlineData("2026-13")]
    [InlineData("2026-11-01")]
    public void A_month_that_is_no_month_is_refused(string month) => Assert.NotNull(ReportPeriod.Month(month).Problem);

    [Fact]
    public void A_range_is_at_most_366_days_and_not_backwards()
    {
        Assert.Null(ReportPeriod.Range("2028-01-01", "2028-12-31").Problem); // 366 days
        Assert.NotNull(ReportPeriod.Range("2026-01-01", "2027-01-02").Problem);
        Assert.NotNull(ReportPeriod.Range("2026-03-02", "2026-03-01").Problem);
        Assert.Null(ReportPeriod.Range("2026-03-02", "2026-03-02").Problem);
    }

    [Fact]
    public void Percentiles_are_nearest_rank_values_that_occurred()
    {
        Assert.Null(ReportFigures.Percentile([], 0.5));
        Assert.Equal(2.0, ReportFigures.Percentile([1, 2, 3, 4], 0.5));
        Assert.Equal(4.0, ReportFigures.Percentile([1, 2, 3, 4], 0.9));
        Assert.Equal(7.0, ReportFigures.Percentile([7], 0.9));
        Assert.Equal(9.0, ReportFigures.Percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9));
    }
}
