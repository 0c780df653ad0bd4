using Broker.Core.Images;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Broker.Persistence.Conversions;

/// <summary>Stores a <see cref="ContentAddress"/> in its canonical text form; a stored value that does not parse is corruption.</summary>
internal sealed class ContentAddressConverter() : ValueConverter<ContentAddress, string>(address => address.Value, text => Parse(text))
{
    private static ContentAddress Parse(string text) =>
        ContentAddress.TryParse(text, out var address)
            ? address
            : throw new InvalidOperationException($"The database holds a malformed content address '{text}'.");
}
