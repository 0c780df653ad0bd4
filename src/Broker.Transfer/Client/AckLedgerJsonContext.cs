using System.Text.Json.Serialization;

namespace Broker.Transfer.Client;

[JsonSerializable(typeof(AckLedger))]
internal sealed partial class AckLedgerJsonContext : JsonSerializerContext;
