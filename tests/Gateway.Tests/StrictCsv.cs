using System.Text;

namespace HotlineGrains.Gateway.Tests;

/// <summary>
/// Reads CSV the way RFC 4180 writes it and refuses anything else: records end in CRLF (the last
/// one too), a field is either bare or wholly in double quotes with inner quotes doubled, and line
/// breaks or commas appear only inside quoted fields.
/// </summary>
public static class StrictCsv
{
    public static IReadOnlyList<IReadOnlyList<string>> Parse(string text)
    {
        var records = new List<IReadOnlyList<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                // A quoted field: up to the closing quote, "" standing for one quote.
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new FormatException("A quoted field is never closed.");
                    }

                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(text[i++]);
                }
            }
            else
            {
                while (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    if (text[i] == '"')
                    {
                        throw new FormatException($"A quote inside a bare field at {i}.");
                    }

                    field.Append(text[i++]);
                }
            }

            record.Add(field.ToString());
            field.Clear();
            if (i >= text.Length)
            {
                throw new FormatException("The last record does not end in CRLF.");
            }

            switch (text[i])
            {
                case ',':
                    i++;
                    break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    records.Add(record);
                    record = [];
                    i += 2;
                    break;
                default:
                    throw new FormatException($"Expected a comma or CRLF after a field at {i}, found U+{(int)text[i]:X4}.");
            }
        }

        if (record.Count > 0)
        {
            throw new FormatException("The last record does not end in CRLF.");
        }

        return records;
    }
}
