namespace HotlineGrains.Bench;

/// <summary>
/// A section of docs/benchmarks.md between two HTML comments, so a part run alone
/// (<c>--only wallboard --write-docs</c>) replaces its own section and leaves the rest of the file as
/// the last full run wrote it.
/// </summary>
internal sealed record MarkedSection(string StartMarker, string EndMarker)
{
    /// <summary>The marked section already in <paramref name="document"/>, markers included; null if there is none.</summary>
    public string? Extract(string? document)
    {
        if (document is null)
        {
            return null;
        }

        var start = document.IndexOf(StartMarker, StringComparison.Ordinal);
        var end = start < 0 ? -1 : document.IndexOf(EndMarker, start, StringComparison.Ordinal);
        return end < 0 ? null : document[start..(end + EndMarker.Length)] + Environment.NewLine;
    }

    /// <summary><paramref name="document"/> with its marked section replaced by <paramref name="section"/>, or the section appended.</summary>
    public string Splice(string? document, string section)
    {
        if (document is null)
        {
            return "# Benchmarks" + Environment.NewLine + Environment.NewLine + section;
        }

        var start = document.IndexOf(StartMarker, StringComparison.Ordinal);
        var end = start < 0 ? -1 : document.IndexOf(EndMarker, start, StringComparison.Ordinal);
        if (end < 0)
        {
            return document.TrimEnd() + Environment.NewLine + Environment.NewLine + section;
        }

        var after = document[(end + EndMarker.Length)..].TrimStart('\r', '\n');
        return document[..start] + section + (after.Length > 0 ? Environment.NewLine + after : string.Empty);
    }

    /// <summary>The start of a part's section: its marker, its title and the line saying when, where and how it ran.</summary>
    public System.Text.StringBuilder Begin(string title, DateTimeOffset startedAt, TimeSpan elapsed, Machine machine, string command)
    {
        ArgumentNullException.ThrowIfNull(machine);
        var text = new System.Text.StringBuilder();
        text.AppendLine(StartMarker);
        text.AppendLine("## " + title);
        text.AppendLine();
        text.AppendLine(System.Globalization.CultureInfo.InvariantCulture,
            $"Run {startedAt:yyyy-MM-dd HH:mm} ({elapsed.TotalMinutes:F1} min) on {machine.Cpu}, {machine.Processors} processors: `{command}`.");
        text.AppendLine();
        return text;
    }
}
