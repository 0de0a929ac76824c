using System.Net;
using System.Text;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Silo;
using Orleans;

namespace HotlineGrains.Gateway.Tickets;

/// <summary>
/// The handling form (投诉处理表, SPEC §3): every field of the paper form, with times in the
/// project's time zone, as JSON or as a printable page.
/// </summary>
public sealed record HandlingForm(
    string TicketNumber,
    string Project,
    string Date,
    string Time,
    string CustomerName,
    string UnitNumber,
    string Contact,
    string Channel,
    string ReceivingAgent,
    string Content,
    string? Department,
    string? Verification,
    string? HandlingPlan,
    string? HandlingResult,
    string? DepartmentManager,
    string? CallbackResult,
    string? Handler,
    string? HandledDate,
    string? ProjectManagerSignOff,
    string? SignOffDate,
    string Status)
{
    public static HandlingForm From(TicketState state, ProjectSettings settings)
    {
        var intake = state.Intake!;
        string Local(DateTimeOffset at, string format) => settings.Calendar.ToLocal(at).ToString(format, System.Globalization.CultureInfo.InvariantCulture);
        var lastCallback = state.Callbacks.LastOrDefault();
        return new HandlingForm(
            state.Number!, settings.Name,
            Local(state.ReceivedAt, "yyyy-MM-dd"), Local(state.ReceivedAt, "HH:mm"),
            intake.CustomerName + (intake.Honorific ?? string.Empty), intake.UnitNumber, intake.ContactPhone,
            intake.Channel.ToString(), intake.ReceivingAgent, intake.Content, state.Department,
            state.Verification is { } v ? (v.Founded ? "属实: " : "不属实: ") + v.Findings : null,
            state.Handling?.Plan, state.Handling?.Result, state.Handling?.DepartmentManager,
            lastCallback is null ? null : $"{lastCallback.Outcome}{(lastCallback.Note is null ? "" : ": " + lastCallback.Note)}",
            state.Handling?.Handler, state.Handling is { } h ? Local(h.At, "yyyy-MM-dd") : null,
            state.SignOff?.ProjectManager, state.SignOff is { } s ? Local(s.At, "yyyy-MM-dd") : null,
            state.Status.ToString());
    }

    public string ToHtml()
    {
        static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);
        var rows = new (string Label, string? Value)[]
        {
            ("日期 Date", Date), ("时间 Time", Time), ("客户姓名 Customer", CustomerName), ("单元号 Unit", UnitNumber),
            ("联系方式 Contact", Contact), ("来访方式 Channel", Channel), ("接待人 Receiving agent", ReceivingAgent),
            ("投诉内容 Content", Content), ("责任部门 Department", Department), ("核实情况 Verification", Verification),
            ("处理方案 Handling plan", HandlingPlan), ("处理结果 Result", HandlingResult), ("部门经理 Department manager", DepartmentManager),
            ("回访结果 Callback result", CallbackResult), ("处理人 Handler", Handler), ("处理日期 Handled on", HandledDate),
            ("项目经理签字 Project manager", ProjectManagerSignOff), ("签字日期 Signed on", SignOffDate),
        };
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>投诉处理表 ").Append(E(TicketNumber)).Append("</title>");
        // A stylesheet of the site's own, not an inline <style>: the page's Content-Security-Policy allows no inline style.
        html.Append("<link rel=\"stylesheet\" href=\"/handling-form.css\">");
        html.Append("</head><body><h1>投诉处理表</h1><p>").Append(E(Project)).Append(" · ").Append(E(TicketNumber)).Append(" · ").Append(E(Status)).Append("</p><table>");
        foreach (var (label, value) in rows)
        {
            html.Append("<tr><th>").Append(E(label)).Append("</th><td>").Append(E(value)).Append("</td></tr>");
        }

        return html.Append("</table></body></html>").ToString();
    }
}

internal static class HandlingFormEndpoint
{
    public static async Task<IResult> Get(string ticketId, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var found = await TicketEndpoints.LoadToRead(ticketId, http, grains, cancellationToken);
        if (found.Problem is not null)
        {
            return found.Problem;
        }

        var form = HandlingForm.From(found.State!, found.Settings!);
        var wantsJson = http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase));
        return wantsJson ? TypedResults.Ok(form) : TypedResults.Content(form.ToHtml(), "text/html; charset=utf-8");
    }
}
