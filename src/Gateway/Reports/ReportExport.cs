using HotlineGrains.Grains.Reports;
using System.Globalization;
using System.Text;
using MiniExcelLibs;

namespace HotlineGrains.Gateway.Reports;

/// <summary>
/// A report as tables with bilingual headers (统计项 Metric, …): CSV (UTF-8 with BOM, a title line
/// before each table, a blank line between) or XLSX through MiniExcel (one sheet per table, numbers
/// as numbers). The same numbers as the JSON.
/// </summary>
public static class ReportExport
{
    public const string CsvType = "text/csv";
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>A table: its sheet name, column headers and rows (numbers stay numbers; null is an empty cell).</summary>
    public sealed record Table(string Name, IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows);

    public const string Metric = "统计项 Metric", Value = "数值 Value";

    public static IReadOnlyList<Table> Tables(Report report)
    {
        var t = report.Tickets;
        List<object?[]> summary =
        [
            Row("期间 Period", $"{report.Period.Kind} {report.Period.Label}"),
            Row("项目 Projects", string.Join(" ", report.Projects)),
            Row("受理工单 Tickets received", t.Received),
            Row("紧急 Urgent", t.Urgent),
            Row("投诉属实 Complaints founded", t.ComplaintsFounded),
            Row("投诉不属实 Complaints unfounded", t.ComplaintsUnfounded),
            Row("投诉未核实 Complaints not verified", t.ComplaintsNotVerified),
            Row("重开 Reopened", t.Reopened),
            Row("已处理 Resolved", t.Resolved),
            Row("已归档 Closed", t.Closed),
            Row("回访次数 Callback attempts", t.Callbacks.Attempts),
            Row("满意 Satisfied", t.Callbacks.Satisfied),
            Row("不满意 Unsatisfied", t.Callbacks.Unsatisfied),
            Row("无法联系 Unreachable", t.Callbacks.Unreachable),
            Row("满意率 Satisfaction", t.Callbacks.Satisfaction),
        ];
        var tables = new List<Table> { new("概要 Summary", [Metric, Value], summary) };
        tables.Add(Breakdown("类型 Kind", t.ByKind));
        tables.Add(Breakdown("分类 Category", t.ByCategory));
        tables.Add(Breakdown("严重程度 Severity", t.BySeverity));
        tables.Add(Breakdown("渠道 Channel", t.ByChannel));
        tables.Add(Breakdown("状态 Status", t.ByStatus));
        tables.Add(Breakdown("项目 Project", t.ByProject));
        tables.Add(Breakdown("部门 Department", t.ByDepartment));
        tables.Add(Breakdown("坐席 Agent", t.ByAgent));
        tables.Add(new Table("服务时限 SLA",
            ["时钟 Clock", "工单 Tickets", "达标 Met", "超时 Missed", "进行中 Open", "中位数分钟 Median min", "P90分钟 P90 min", "达标率 Compliance"],
            [
                ClockRow("首次答复 First reply", t.FirstReply),
                ClockRow("目标 Target", t.Target),
                ClockRow("期限 Deadline", t.Deadline),
            ]));
        if (report.Activity is { } a)
        {
            tables.Add(new Table("话务 Calls", [Metric, Value],
            [
                Row("呼入 Offered", a.CallsOffered),
                Row("3秒内接听 Answered within 3 s", a.CallsAnsweredInTime),
                Row("接听 Answered", a.CallsAnswered),
                Row("放弃 Abandoned", a.CallsAbandoned),
                Row("接通率 Answer rate", a.AnswerRate),
                Row("接通率目标 Answer rate target", a.AnswerRateTarget),
                Row("达标 Answer rate met", a.AnswerRateMet ? "是 yes" : "否 no"),
                Row("服务水平 Service level", a.ServiceLevel),
                Row("最长等待秒 Longest wait s", a.LongestWaitSeconds),
                Row("受理 Tickets received", a.TicketsReceived),
                Row("归档 Tickets closed", a.TicketsClosed),
                Row("违约 SLA breaches", a.SlaBreaches),
                Row("回访满意 Callbacks satisfied", a.CallbacksSatisfied),
                Row("回访不满意 Callbacks unsatisfied", a.CallbacksUnsatisfied),
                Row("回访无法联系 Callbacks unreachable", a.CallbacksUnreachable),
            ]));
            tables.Add(new Table("每日 Days",
                ["项目 Project", "日期 Date", "受理 Received", "归档 Closed", "呼入 Offered", "接听 Answered", "放弃 Abandoned", "接通率 Answer rate"],
                [.. report.Days.Select(d => new object?[]
                {
                    d.Project, d.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.TicketsReceived, d.TicketsClosed,
                    d.CallsOffered, d.CallsAnswered, d.CallsAbandoned, d.AnswerRate,
                })]));
        }

        if (report.Agents.Count > 0)
        {
            tables.Add(new Table("坐席时间 Agents' time",
                ["坐席 Agent", "工号 Work number", "姓名 Name", "项目 Project", "示闲分钟 Available min", "通话分钟 On call min", "话后分钟 Wrap-up min",
                 "小休分钟 Break min", "请假分钟 Leave min", "小休次数 Breaks", "超时小休 Breaks over limit", "接听 Calls answered"],
                [.. report.Agents.Select(a => new object?[]
                {
                    a.Agent, a.WorkNumber, a.Name, a.Project, a.AvailableMinutes, a.OnCallMinutes, a.WrapUpMinutes,
                    a.BreakMinutes, a.LeaveMinutes, a.Breaks, a.BreaksOverLimit, a.CallsAnswered,
                })]));
        }

        return tables;
    }

    public static byte[] Csv(Report report)
    {
        var csv = new StringBuilder();
        csv.Append('\uFEFF');
        foreach (var table in Tables(report))
        {
            csv.Append(Cell(table.Name)).Append("\r\n");
            csv.AppendJoin(',', table.Columns.Select(Cell)).Append("\r\n");
            foreach (var row in table.Rows)
            {
                csv.AppendJoin(',', row.Select(Cell)).Append("\r\n");
            }

            csv.Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    public static byte[] Xlsx(Report report)
    {
        var sheets = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var table in Tables(report))
        {
            sheets[table.Name] = table.Rows.Select(row =>
            {
                var line = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var i = 0; i < table.Columns.Count; i++)
                {
                    line[table.Columns[i]] = row[i];
                }

                return line;
            }).ToList();
        }

        using var stream = new MemoryStream();
        stream.SaveAs(sheets);
        return stream.ToArray();
    }

    private static object?[] Row(string metric, object? value) => [metric, value];

    private static Table Breakdown(string name, IReadOnlyDictionary<string, int> counts) =>
        new(name, [name, "数量 Count"], [.. counts.Select(c => new object?[] { c.Key, c.Value })]);

    private static object?[] ClockRow(string name, ClockFigures c) =>
        [name, c.Tickets, c.Met, c.Missed, c.Open, c.MedianMinutes, c.P90Minutes, c.ComplianceRate];

    /// <summary>A CSV field: numbers invariant; text quoted when needed, and defused as the register's cells are when a spreadsheet would run it.</summary>
    private static string Cell(object? value) => value switch
    {
        null => string.Empty,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        _ => Quote(value.ToString() ?? string.Empty),
    };

    private static string Quote(string text)
    {
        if (Projects.RegisterCsv.StartsLikeAFormula(text))
        {
            text = "'" + text;
        }

        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
