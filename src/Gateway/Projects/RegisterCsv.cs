using System.Globalization;
using System.Text;
using HotlineGrains.Gateway.Tickets;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Silo;
using Orleans;

namespace HotlineGrains.Gateway.Projects;

/// <summary>
/// The complaint register (投诉登记表) as CSV: one row per ticket, oldest first, with the columns of
/// the paper register. UTF-8 with a byte-order mark and CRLF line ends, so a spreadsheet opens it
/// with the Chinese intact.
/// </summary>
internal static class RegisterCsv
{
    private static readonly string[] Header =
    [
        "序号 No.", "工单号 Ticket", "日期时间 Received", "单元号 Unit", "投诉人 Complainant", "联系电话 Phone", "类别 Kind", "投诉内容 Content",
        "责任部门 Department", "核实情况 Verification", "处理结果 Result", "回访意见 Callback feedback", "处理人 Handler", "状态 Status",
    ];

    public static async Task<IResult> Get(string projectId, HttpContext http, IGrainFactory grains, IReadModels readModels, CancellationToken cancellationToken)
    {
        var (settings, problem) = await ProjectEndpoints.Find(projectId, grains, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var query = RegisterQuery.Parse(http.Request.Query, settings!);
        if (query.Problem is not null)
        {
            return query.Problem;
        }

        var calendar = settings!.Calendar;
        var csv = new StringBuilder();
        csv.Append('\uFEFF');
        Line(csv, Header);
        var number = 0;
        const int batch = 500;
        for (var offset = 0; ; offset += batch)
        {
            var page = await readModels.QueryAsync<TicketRegisterRow>(
                query.ToReadModelQuery(projectId!) with { Ascending = true, Offset = offset, Limit = batch }, cancellationToken);
            foreach (var row in page.Items)
            {
                Line(csv,
                [
                    (++number).ToString(CultureInfo.InvariantCulture), row.Number,
                    calendar.ToLocal(row.ReceivedAt).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    row.UnitNumber, row.CustomerName, row.ContactPhone, row.Kind, row.Content, row.Department, row.Verification,
                    row.Result, row.CallbackFeedback, row.Handler, row.Status,
                ]);
            }

            if (page.Items.Count < batch)
            {
                break;
            }
        }

        return TypedResults.File(new UTF8Encoding(false).GetBytes(csv.ToString()), "text/csv; charset=utf-8", $"register-{projectId}.csv");
    }

    private static void Line(StringBuilder csv, IReadOnlyList<string?> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                csv.Append(',');
            }

            var field = fields[i] ?? string.Empty;
            if (StartsLikeAFormula(field))
            {
                field = "'" + field;
            }

            csv.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }

        csv.Append("\r\n");
    }

    /// <summary>
    /// A cell a spreadsheet may run as a formula, which gets an apostrophe in front (OWASP's CSV
    /// injection rule): one starting with = + - @, or with a tab or carriage return, which a
    /// spreadsheet skips before it looks for the = behind them; the full-width ＝ ＋ － ＠ that
    /// Chinese input methods type count too, since spreadsheets fold them to the half-width ones.
    /// </summary>
    internal static bool StartsLikeAFormula(string field) =>
        field.Length > 0 && field[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '＝' or '＋' or '－' or '＠';
}
