package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/ddbload/terraform-provider-ddbload/internal/ledger"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
)

// The dataset resource keeps what it needs to converge the table in private state, which
// Terraform stores with the resource but never shows in plans:
//
//   - "ledger": the key and a 32-bit content hash of every item the resource has written and
//     not deleted (internal/ledger: front-coded, compressed; a few bytes per item);
//   - "resume": after an interrupted load, the digest of the dataset being loaded and the
//     records already written, so the next apply writes only the rest;
//   - "drift": set by refresh when loaded items were missing or changed, so the next apply
//     rewrites every item instead of only the changed ones.
const (
	privateLedger = "ledger"
	privateResume = "resume"
	privateDrift  = "drift"
)

// privateGetter and privateSetter are what plan, state and response private data offer.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

type resumeInfo struct {
	Digest string `json:"digest"`
	Acked  string `json:"acked"` // loader.Bitmap encoding
}

func getLedger(ctx context.Context, p privateGetter) (*ledger.Ledger, diag.Diagnostics) {
	var s string
	diags := getJSON(ctx, p, privateLedger, &s)
	if diags.HasError() || s == "" {
		return nil, diags
	}
	l, err := ledger.DecodeString(s)
	if err != nil {
		diags.AddError("Corrupt Private State",
			"The record of the items this dataset loaded cannot be read, so removed items cannot be deleted. "+
				"Remove the resource from state (terraform state rm) and apply again to reload the dataset.\n\n"+err.Error())
	}
	return l, diags
}

func setLedger(ctx context.Context, p privateSetter, l *ledger.Ledger) diag.Diagnostics {
	return setJSON(ctx, p, privateLedger, l.EncodeString())
}

func getResume(ctx context.Context, p privateGetter) (*resumeInfo, *loader.Bitmap, diag.Diagnostics) {
	var r resumeInfo
	diags := getJSON(ctx, p, privateResume, &r)
	if diags.HasError() || r.Digest == "" {
		return nil, nil, diags
	}
	b, err := loader.DecodeBitmap(r.Acked)
	if err != nil {
		return nil, nil, diags // an unreadable resume point only costs rewriting
	}
	return &r, b, diags
}

func setResume(ctx context.Context, p privateSetter, digest string, acked *loader.Bitmap) diag.Diagnostics {
	if acked == nil {
		return setJSON(ctx, p, privateResume, nil)
	}
	return setJSON(ctx, p, privateResume, resumeInfo{Digest: digest, Acked: acked.Encode()})
}

func getDrift(ctx context.Context, p privateGetter) (bool, diag.Diagnostics) {
	var d bool
	diags := getJSON(ctx, p, privateDrift, &d)
	return d, diags
}

func setDrift(ctx context.Context, p privateSetter, drifted bool) diag.Diagnostics {
	if !drifted {
		return setJSON(ctx, p, privateDrift, nil)
	}
	return setJSON(ctx, p, privateDrift, true)
}

func getJSON(ctx context.Context, p privateGetter, key string, v any) diag.Diagnostics {
	b, diags := p.GetKey(ctx, key)
	if diags.HasError() || len(b) == 0 {
		return diags
	}
	if err := json.Unmarshal(b, v); err != nil {
		diags.AddError("Corrupt Private State", "Private state key "+key+" is not valid: "+err.Error())
	}
	return diags
}

// setJSON stores v, or removes the key when v is nil.
func setJSON(ctx context.Context, p privateSetter, key string, v any) diag.Diagnostics {
	if v == nil {
		return p.SetKey(ctx, key, nil)
	}
	b, err := json.Marshal(v)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot Store Private State", err.Error())
		return diags
	}
	return p.SetKey(ctx, key, b)
}
