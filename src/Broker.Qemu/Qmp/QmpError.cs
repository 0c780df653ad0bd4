namespace Broker.Qemu.Qmp;

/// <summary>The <c>error</c> member of a failed command's reply.</summary>
internal sealed record QmpError(string Class, string Description);
