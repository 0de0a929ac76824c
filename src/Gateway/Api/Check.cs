using System.Text.RegularExpressions;

namespace HotlineGrains.Gateway.Api;

/// <summary>Collects what is wrong with a request, field by field, so one 400 lists every problem.</summary>
internal sealed partial class Check
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool Failed => errors.Count > 0;

    public Check Text(string field, string? value, int max, bool required = true, int min = 1)
    {
        if (value is null || value.Trim().Length == 0)
        {
            if (required)
            {
                Add(field, "Required.");
            }
        }
        else if (value.Length > max || value.Trim().Length < min)
        {
            Add(field, $"{min} to {max} characters.");
        }
        else if (value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            Add(field, "Control characters are not allowed.");
        }

        return this;
    }

    /// <summary>
    /// An ISO 8601 instant with its offset, years 2000–2100. One without an offset would be read
    /// in the server's own time zone, so it is not an instant at all.
    /// </summary>
    public static bool TryParseInstant(string value, out DateTimeOffset instant) =>
        DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out instant)
        && value.Contains('T', StringComparison.Ordinal)
        && DateTime.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var stated)
        && stated.Kind != DateTimeKind.Unspecified
        && instant.Year is >= 2000 and <= 2100;

    public Check Phone(string field, string? value, bool required = true)
    {
        if (value is null ? required : !PhonePattern().IsMatch(value))
        {
            Add(field, "A phone number: digits, optionally a leading + and dashes or spaces, 5 to 20 digits.");
        }

        return this;
    }

    public Check OneOf(string field, string? value, IReadOnlyCollection<string> allowed, bool required = true)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, "Required.");
            }
        }
        else if (!allowed.Contains(value))
        {
            Add(field, $"One of: {string.Join(", ", allowed)}.");
        }

        return this;
    }

    public Check Instant(string field, DateTimeOffset? value, DateTimeOffset now, TimeSpan maxPast, TimeSpan maxFuture)
    {
        if (value is { } at && (at < now - maxPast || at > now + maxFuture))
        {
            Add(field, $"Between {now - maxPast:O} and {now + maxFuture:O}.");
        }

        return this;
    }

    public Check That(bool condition, string field, string message)
    {
        if (!condition)
        {
            Add(field, message);
        }

        return this;
    }

    public IResult Problem() => Problems.Invalid(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));

    private void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
    }

    [GeneratedRegex(@"^\+?[0-9][0-9 \-]{3,22}[0-9]$")]
    private static partial Regex PhonePattern();
}
