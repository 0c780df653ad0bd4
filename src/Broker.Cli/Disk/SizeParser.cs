using System.Globalization;

namespace Broker.Cli.Disk;

/// <summary>Sizes and offsets as typed on the command line: a number with an optional binary suffix K, M, G or T (also KiB, KB …).</summary>
internal static class SizeParser
{
    public static bool TryParse(string text, out long value)
    {
        value = 0;
        var span = text.AsSpan().Trim();
        if (span.EndsWith("iB", StringComparison.OrdinalIgnoreCase))
        {
            span = span[..^2];
        }
        else if (span.Length > 1 && char.IsLetter(span[^2]) && (span[^1] is 'B' or 'b'))
        {
            span = span[..^1];
        }

        var shift = span.Length == 0 ? 0 : char.ToUpperInvariant(span[^1]) switch
        {
            'K' => 10,
            'M' => 20,
            'G' => 30,
            'T' => 40,
            _ => 0,
        };
        if (shift > 0)
        {
            span = span[..^1];
        }

        if (span.Length == 0 || !span.ContainsOnlyDigits() || !long.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        if (number > long.MaxValue >> shift)
        {
            return false;
        }

        value = number << shift;
        return true;
    }

    private static bool ContainsOnlyDigits(this ReadOnlySpan<char> span) => !span.ContainsAnyExceptInRange('0', '9');
}
