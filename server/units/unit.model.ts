import mongoose, { Schema } from 'mongoose';
import type { HydratedDocument, InferSchemaType } from 'mongoose';
import { unitLevels } from '../contracts/units';

const unitSchema = new Schema(
  {
    code: { type: String, required: true, unique: true, trim: true },
    name: { type: String, required: true },
    shortName: { type: String, default: null },
    level: { type: String, enum: unitLevels, required: true, index: true },
    parentId: { type: Schema.Types.ObjectId, ref: 'Unit', default: null, index: true },
    /** Every unit above this one, root first: subtree queries without $graphLookup. */
    ancestorIds: { type: [Schema.Types.ObjectId], default: [], index: true },
    validFrom: { type: Date, default: null },
    /** Set when the unit is dissolved or merged; the unit stays for the record. */
    validTo: { type: Date, default: null },
    replacedById: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    /** True when the record holds invented demo data (see server/seed/). */
    isSample: { type: Boolean, default: false },
    order: { type: Number, default: 0 },
    searchText: { type: String, default: '' },
  },
  { timestamps: true, collection: 'units' },
);

/** A stored administrative unit. */
export type UnitRecord = InferSchemaType<typeof unitSchema>;
/** A loaded unit document. */
export type UnitDocument = HydratedDocument<UnitRecord>;
/** The units collection. */
export const UnitModel = mongoose.model('Unit', unitSchema);
