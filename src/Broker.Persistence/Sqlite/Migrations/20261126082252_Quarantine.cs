using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Broker.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Quarantine : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "RevokedDeviceId",
                table: "Desktops",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RevokedEpoch",
                table: "Desktops",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "QuarantinedLayers",
                columns: table => new
                {
                    DesktopId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LayerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ParentLayerId = table.Column<Guid>(type: "TEXT", nullable: true),
                    RevokedEpoch = table.Column<long>(type: "INTEGER", nullable: false),
                    DeviceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    PromoteRequestedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PromoteEpoch = table.Column<long>(type: "INTEGER", nullable: true),
                    PromotedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QuarantinedLayers", x => new { x.DesktopId, x.LayerId });
                    table.ForeignKey(
                        name: "FK_QuarantinedLayers_Desktops_DesktopId",
                        column: x => x.DesktopId,
                        principalTable: "Desktops",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_QuarantinedLayers_PromotedAt_PromoteEpoch",
                table: "QuarantinedLayers",
                columns: new[] { "PromotedAt", "PromoteEpoch" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "QuarantinedLayers");

            migrationBuilder.DropColumn(
                name: "RevokedDeviceId",
                table: "Desktops");

            migrationBuilder.DropColumn(
                name: "RevokedEpoch",
                table: "Desktops");
        }
    }
}
