using System.Globalization;
using System.Text.Json;

namespace Broker.Qemu.Qmp;

/// <summary>
/// Parses QMP messages. Everything QEMU sends is checked for shape before use; a message that is not
/// a JSON object, or a known member of the wrong type, is an <see cref="InvalidDataException"/>.
/// </summary>
internal static class QmpMessages
{
    private const string GreetingMember = "QMP";
    private const string EventMember = "event";
    private const string DataMember = "data";
    private const string TimestampMember = "timestamp";
    private const string ReturnMember = "return";
    private const string ErrorMember = "error";
    private const string IdMember = "id";
    private static readonly string[] VersionParts = ["major", "minor", "micro"];

    public static QmpGreeting ParseGreeting(ReadOnlyMemory<byte> line, long offset)
    {
        using var document = ParseObject(line, offset);
        var root = document.RootElement;
        if (!root.TryGetProperty(GreetingMember, out var qmp) || qmp.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(offset, "greeting has no 'QMP' object");
        }

        var version = string.Empty;
        if (qmp.TryGetProperty("version", out var versionElement)
            && versionElement.ValueKind == JsonValueKind.Object
            && versionElement.TryGetProperty("qemu", out var qemu)
            && qemu.ValueKind == JsonValueKind.Object)
        {
            version = string.Join('.', VersionParts.Select(part =>
                qemu.TryGetProperty(part, out var number) && number.TryGetInt32(out var value)
                    ? value.ToString(CultureInfo.InvariantCulture)
                    : "?"));
        }

        var capabilities = new List<string>();
        if (qmp.TryGetProperty("capabilities", out var capabilityArray) && capabilityArray.ValueKind == JsonValueKind.Array)
        {
            capabilities.AddRange(capabilityArray.EnumerateArray()
                .Where(capability => capability.ValueKind == JsonValueKind.String)
                .Select(capability => capability.GetString()!));
        }

        return new QmpGreeting(version, capabilities);
    }

    public static QmpMessage Parse(ReadOnlyMemory<byte> line, long offset)
    {
        using var document = ParseObject(line, offset);
        var root = document.RootElement;

        if (root.TryGetProperty(EventMember, out var name))
        {
            if (name.ValueKind != JsonValueKind.String)
            {
                throw Malformed(offset, "event name is not a string");
            }

            var data = root.TryGetProperty(DataMember, out var dataElement) ? dataElement.Clone() : default;
            return new QmpMessage.Event(new QmpEvent(name.GetString()!, data, ParseTimestamp(root)));
        }

        var hasReturn = root.TryGetProperty(ReturnMember, out var returned);
        var hasError = root.TryGetProperty(ErrorMember, out var error);
        if (!hasReturn && !hasError)
        {
            return new QmpMessage.Other();
        }

        long? id = null;
        if (root.TryGetProperty(IdMember, out var idElement))
        {
            id = idElement.TryGetInt64(out var number)
                ? number
                : throw Malformed(offset, "reply id is not an integer");
        }

        if (hasError)
        {
            if (error.ValueKind != JsonValueKind.Object)
            {
                throw Malformed(offset, "error member is not an object");
            }

            return new QmpMessage.Reply(id, default, new QmpError(StringOrEmpty(error, "class"), StringOrEmpty(error, "desc")));
        }

        return new QmpMessage.Reply(id, returned.Clone(), null);
    }

    private static JsonDocument ParseObject(ReadOnlyMemory<byte> line, long offset)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"QMP message at stream offset {offset} is not valid JSON: {exception.Message}", exception);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw Malformed(offset, "message is not a JSON object");
        }

        return document;
    }

    /// <summary>QEMU sends <c>{"seconds": s, "microseconds": us}</c>; -1 means it had no clock.</summary>
    private static DateTimeOffset? ParseTimestamp(JsonElement root)
    {
        if (root.TryGetProperty(TimestampMember, out var timestamp)
            && timestamp.ValueKind == JsonValueKind.Object
            && timestamp.TryGetProperty("seconds", out var seconds) && seconds.TryGetInt64(out var wholeSeconds)
            && timestamp.TryGetProperty("microseconds", out var micro) && micro.TryGetInt64(out var microseconds)
            && wholeSeconds is >= 0 and <= 253_402_300_799
            && microseconds is >= 0 and < 1_000_000)
        {
            return DateTimeOffset.FromUnixTimeSeconds(wholeSeconds).AddTicks(microseconds * TimeSpan.TicksPerMicrosecond);
        }

        return null;
    }

    private static string StringOrEmpty(JsonElement element, string member) =>
        element.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;

    private static InvalidDataException Malformed(long offset, string problem) =>
        new($"Malformed QMP message at stream offset {offset}: {problem}.");
}
