namespace Broker.Server.Desktops;

/// <summary>
/// Console bytes as text: UTF-8, invalid sequences replaced (the guest's output is hostile). A read
/// that ends inside a character stops before it, so the next read from its end gets it whole.
/// </summary>
internal static class ConsoleUtf8
{
    /// <summary>The length of <paramref name="data"/> without a trailing incomplete UTF-8 sequence.</summary>
    public static int CompleteLength(ReadOnlySpan<byte> data)
    {
        for (var back = 1; back <= Math.Min(3, data.Length); back++)
        {
            var lead = data[^back];
            if ((lead & 0xC0) == 0x80)
            {
                continue; // a continuation byte: look further back for its lead
            }

            var needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            return needed > back ? data.Length - back : data.Length;
        }

        return data.Length;
    }
}
