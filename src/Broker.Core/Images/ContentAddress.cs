namespace Broker.Core.Images;

/// <summary>
/// The address of immutable content by its hash, written <c>sha256:</c> followed by 64 lowercase
/// hex digits. Base images are content-addressed so a client that already holds one downloads it
/// zero times (design §6).
/// </summary>
public readonly record struct ContentAddress
{
    /// <summary>The only algorithm prefix accepted.</summary>
    public const string Sha256Prefix = "sha256:";

    private const int Sha256HexLength = 64;

    private ContentAddress(string value) => Value = value;

    /// <summary>The canonical text form, e.g. <c>sha256:9f86…</c>.</summary>
    public string Value { get; }

    /// <summary>Parses the canonical text form; anything else (upper case, other lengths, other algorithms) fails.</summary>
    public static bool TryParse(string? text, out ContentAddress address)
    {
        address = default;
        if (text is null
            || text.Length != Sha256Prefix.Length + Sha256HexLength
            || !text.StartsWith(Sha256Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in text.AsSpan(Sha256Prefix.Length))
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        address = new ContentAddress(text);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}
