namespace Broker.ClientAgent.Desktops;

/// <summary>
/// What a sync measured to tell whether the top was written since it was made (see
/// <see cref="DesktopRuntime.CheckTopAsync"/>); its text goes into the status when nothing is
/// sealed, so a sync that pushed nothing says what it saw.
/// </summary>
/// <param name="Length">The top file's length now.</param>
/// <param name="EmptyLength">The length of an empty top of this chain; null while unknown.</param>
/// <param name="DeviceHoldsData">Whether the live device says its top holds anything; null when no device is open.</param>
internal sealed record TopWriteCheck(long Length, long? EmptyLength, bool? DeviceHoldsData)
{
    /// <summary>The file grew past an empty top, or the device holds data (or cannot say).</summary>
    public bool Written => (EmptyLength is { } empty && Length > empty) || DeviceHoldsData != false;

    public override string ToString() =>
        $"The top file is {Length} bytes (an empty top {EmptyLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}); the live device {DeviceHoldsData switch { true => "holds data", false => "holds none", null => "is not open" }}.";
}
