namespace Broker.Testing.Databases;

/// <summary>An empty database on a <see cref="PostgresCluster"/>, owned by one test.</summary>
public sealed record PostgresDatabase(string Name, string ConnectionString);
