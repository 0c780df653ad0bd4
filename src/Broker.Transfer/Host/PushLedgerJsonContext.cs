using System.Text.Json.Serialization;

namespace Broker.Transfer.Host;

[JsonSerializable(typeof(PushLedger))]
internal sealed partial class PushLedgerJsonContext : JsonSerializerContext;
