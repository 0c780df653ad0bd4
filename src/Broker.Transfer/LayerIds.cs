using System.Globalization;

namespace Broker.Transfer;

/// <summary>The wire form of a layer id: the decimal form of the chain's <c>LayerRecord.Id</c>; empty for "the base".</summary>
public static class LayerIds
{
    /// <summary>Decimal form of <paramref name="id"/>; empty for null (the base).</summary>
    public static string Format(long? id) => id is { } value ? value.ToString(CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>Parses a wire layer id: a positive decimal without sign, spaces or leading zeros.</summary>
    public static bool TryParse(string? text, out long id)
    {
        id = 0;
        return !string.IsNullOrEmpty(text) && text.Length <= 19 && text[0] is >= '1' and <= '9' && text.All(char.IsAsciiDigit)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }

    /// <summary>Parses a parent id: empty is the base (null), else as <see cref="TryParse"/>.</summary>
    public static bool TryParseParent(string? text, out long? id)
    {
        id = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        var ok = TryParse(text, out var value);
        id = value;
        return ok;
    }
}
